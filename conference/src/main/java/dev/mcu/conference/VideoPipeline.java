package dev.mcu.conference;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.mixer.NameLabels;
import dev.mcu.mixer.VideoCompositor;
import dev.mcu.transport.MediaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A room's video: every 1/fps it lays out the visible participants, composites each one's next
 * picture ({@link TilePlayout}: each in turn, at most one frame behind) or a placeholder for muted
 * video into one canvas and hands it to the encode pool, where each output profile's ladder
 * ({@link VideoLadder}: one encode per layer somebody receives) encodes it in parallel and sends it
 * to its receivers. Once a second each receiver's layer is
 * chosen again from its reports.
 *
 * <p>Pipelined: while frame N encodes, frame N+1 is composited into the other of two buffers and
 * waits; when N is done, N+1 goes. If the encoders fall a whole frame behind, the waiting frame is
 * replaced by the newer one (counted in {@code framesSkipped}), so latency never builds up.
 *
 * <p>Threads: all state is confined to the room's video lane; public methods only enqueue onto it.
 * Encodes run on the shared encode pool, one frame of this room at a time; the pool thread that
 * finishes a frame's last encode sends the switching receivers their frame and reports back to the
 * lane. A profile whose last receiver left is closed once no encode uses it.
 */
final class VideoPipeline {
    private static final Logger log = LoggerFactory.getLogger(VideoPipeline.class);
    /** The profile egress muxes when no receiver has made an H.264 one: mode 1, no NAL size limit. */
    static final VideoProfileKey PROGRAM_KEY = new VideoProfileKey(Codec.H264, 1);

    /** What the room tells the pipeline about one participant with incoming video. Immutable. */
    record Source(String id, String name, InboundVideo video, boolean muted, boolean shown) {
    }

    /** Video figures of a room at one moment. */
    record Stats(int profiles, long framesSent, long framesSkipped, Map<String, Integer> bitrateKbps,
                 List<String> visible, int layers) {
    }

    private final String room;
    private final VideoSettings settings;
    private final MediaClock clock;
    private final MediaClock.Lane lane;
    private final Runnable onError;
    private final VideoCompositor compositor;                                       // owned
    private final Map<VideoProfileKey, VideoLadder> profiles = new HashMap<>();     // owned
    private VideoLadder programProfile;             // one of profiles, also feeding the program sink; or null
    private final List<VideoLadder> retiring = new ArrayList<>();                   // closed when no encode runs
    /** Each receiver's layer, for the participant stats on any thread; written on the lane. */
    private final Map<MediaTransport, VideoLayerSpec> receiverLayers = new ConcurrentHashMap<>();
    private long ticks;
    private final Map<String, I420Frame> placeholders = new HashMap<>();
    private final Map<String, I420Frame> tileFrames = new HashMap<>();
    private final NameLabels nameLabels = new NameLabels();
    private Map<String, String> names = Map.of();
    private final Function<String, Tile> pictureAreas;
    private final I420Frame[] buffers = new I420Frame[2];
    private final long startNanos;
    private final long timestampBase = (long) (Math.random() * 0xffffffffL);
    private final AtomicLong framesSkipped = new AtomicLong();
    private List<Source> sources = List.of();
    private LayoutSpec layoutSpec;
    private boolean focusPinned;   // lane thread: an operator chose the focus, so the speaker does not move it
    private List<String> layoutIds;
    private volatile Layout layout;                     // written on the lane, read by snapshots
    private String activeSpeaker;
    private I420Frame encoding;                         // the buffer being encoded, or null
    private I420Frame pending;                          // composited, waiting for the encoders, or null
    private I420Frame lastComposite;                    // the newest canvas (lane thread), or null before the first
    private long pendingRtpTimestamp;
    private long pendingNanos;
    private boolean closed;
    private CompletableFuture<Void> closing;

    VideoPipeline(String room, VideoSettings settings, MediaClock clock, Runnable onError) {
        this.room = room;
        this.settings = settings;
        this.clock = clock;
        this.onError = onError;
        this.lane = clock.lane("room-" + room + "-video");
        this.startNanos = clock.nanoTime();
        this.compositor = new VideoCompositor(settings.width(), settings.height());
        this.pictureAreas = compositor::pictureArea;
        this.layout = Layout.empty(settings.width(), settings.height());
        this.layoutSpec = new LayoutSpec(settings.layout(), null, settings.customTiles());
        lane.every(1_000_000_000L / settings.fps(), scheduled -> tick());
    }

    /**
     * The newest canvas scaled down to {@code width} x {@code height} (nearest pixel: a thumbnail),
     * or empty before the first frame. Copied on the video lane; the result is the caller's.
     */
    CompletableFuture<Optional<I420Frame>> thumbnail(int width, int height) {
        return CompletableFuture.supplyAsync(() -> {
            I420Frame canvas = lastComposite;
            return canvas == null ? Optional.<I420Frame>empty() : Optional.of(scaledDown(canvas, width, height));
        }, lane);
    }

    static I420Frame scaledDown(I420Frame from, int width, int height) {
        I420Frame to = new I420Frame(width, height, new byte[I420Frame.sizeOf(width, height)], from.timestampMicros());
        byte[] src = from.data();
        byte[] dst = to.data();
        copyPlane(src, 0, from.width(), from.height(), dst, 0, width, height);
        int srcCw = I420Frame.chromaWidth(from.width());
        int srcCh = I420Frame.chromaHeight(from.height());
        int dstCw = I420Frame.chromaWidth(width);
        int dstCh = I420Frame.chromaHeight(height);
        int srcU = from.width() * from.height();
        int dstU = width * height;
        copyPlane(src, srcU, srcCw, srcCh, dst, dstU, dstCw, dstCh);
        copyPlane(src, srcU + srcCw * srcCh, srcCw, srcCh, dst, dstU + dstCw * dstCh, dstCw, dstCh);
        return to;
    }

    private static void copyPlane(byte[] src, int srcOffset, int srcW, int srcH, byte[] dst, int dstOffset, int dstW, int dstH) {
        for (int y = 0; y < dstH; y++) {
            int sy = (int) ((long) y * srcH / dstH);
            for (int x = 0; x < dstW; x++) {
                dst[dstOffset + y * dstW + x] = src[srcOffset + sy * srcW + (int) ((long) x * srcW / dstW)];
            }
        }
    }

    /** Who has video and how it shows, in joining order; replaces the previous list. */
    void setSources(List<Source> newSources) {
        List<Source> copy = List.copyOf(newSources);
        lane.execute(() -> {
            sources = copy;
            Map<String, String> named = new HashMap<>();
            copy.stream().filter(s -> s.name() != null).forEach(s -> named.put(s.id(), s.name()));
            names = named;
            layoutIds = null;
            for (Source s : copy) {
                if (!s.muted()) {
                    placeholders.remove(s.id());
                }
            }
            placeholders.keySet().removeIf(id -> copy.stream().noneMatch(s -> s.id().equals(id)));
        });
    }

    /**
     * @param name who receives, for the log (a participant's id)
     * @param cap  what its SDP said it can take: it never gets a larger layer
     */
    void addReceiver(VideoProfileKey key, MediaTransport receiver, String name, VideoReceiveCap cap) {
        lane.execute(() -> {
            if (closed) {
                return;
            }
            profiles.computeIfAbsent(key, this::ladder).addReceiver(receiver, name, cap);
        });
    }

    private VideoLadder ladder(VideoProfileKey key) {
        return new VideoLadder(room, key, settings, receiverLayers, clock.timings()::videoLayerSwitched);
    }

    /** The layer a receiver is on (its size and rate), or empty when it gets no video; any thread. */
    Optional<VideoLayerSpec> layerOf(MediaTransport receiver) {
        return Optional.ofNullable(receiver == null ? null : receiverLayers.get(receiver));
    }

    void removeReceiver(VideoProfileKey key, MediaTransport receiver) {
        lane.execute(() -> {
            VideoLadder profile = profiles.get(key);
            if (profile == null) {
                return;
            }
            profile.removeReceiver(receiver);
            // Checked after whatever is already queued: a member that changes role or codecs is
            // removed and added back at once, and keeps its encoder (no restart, no extra keyframe).
            lane.execute(() -> retireIfUnused(key));
        });
    }

    private void retireIfUnused(VideoProfileKey key) {
        VideoLadder profile = profiles.get(key);
        if (profile != null && !profile.hasReceivers() && profile != programProfile) {
            profiles.remove(key);
            retiring.add(profile);
            closeRetiredIfIdle();
            log.info("Room {}: stopped video output {} (no receivers left)", room, key);
        }
    }

    /**
     * Hands the program to {@code sink} (null stops): an H.264 profile's access units, from the
     * profile receivers already use when there is one (mode 1 preferred), else from one made for it.
     */
    void setProgramSink(ProgramSink sink) {
        lane.execute(() -> {
            if (closed) {
                return;
            }
            if (programProfile != null) {
                programProfile.setProgramSink(null);
                if (!programProfile.hasReceivers()) {
                    profiles.remove(programProfile.key());
                    retiring.add(programProfile);
                    closeRetiredIfIdle();
                    log.info("Room {}: stopped video output {} (no receivers and no egress left)", room, programProfile.key());
                }
                programProfile = null;
            }
            if (sink != null) {
                programProfile = profiles.get(PROGRAM_KEY);
                if (programProfile == null) {
                    programProfile = profiles.values().stream().filter(p -> p.key().codec() == Codec.H264).findFirst()
                            .orElseGet(() -> {
                                log.info("Room {}: starting video output {} for egress", room, PROGRAM_KEY);
                                VideoLadder made = ladder(PROGRAM_KEY);
                                profiles.put(PROGRAM_KEY, made);
                                return made;
                            });
                }
                programProfile.setProgramSink(sink);
            }
        });
    }

    /** The program's encoder makes its next frame a keyframe (rate-limited like a receiver's PLI). */
    void requestProgramKeyframe() {
        lane.execute(() -> {
            if (programProfile != null) {
                programProfile.requestKeyframe(null);
            }
        });
    }

    /** {@code receiver} lost a picture: its layer makes a keyframe (null: every layer of the profile). */
    void requestKeyframe(VideoProfileKey key, MediaTransport receiver) {
        lane.execute(() -> {
            VideoLadder profile = profiles.get(key);
            if (profile != null) {
                profile.requestKeyframe(receiver);
            }
        });
    }

    /** A null focus follows the active speaker when the settings say so; a focus an operator chose stays. */
    void setLayout(LayoutSpec spec) {
        lane.execute(() -> {
            focusPinned = spec.focusId() != null;
            layoutSpec = spec.focusId() == null && settings.followSpeaker() ? spec.withFocus(activeSpeaker) : spec;
            layoutIds = null;
        });
    }

    /** The floor changed hands: a speaker-focused layout follows it, and the highlight moves. */
    void speakerChanged(String newSpeakerId) {
        lane.execute(() -> {
            activeSpeaker = newSpeakerId;
            if (settings.followSpeaker() && !focusPinned && newSpeakerId != null && layoutSpec.kind() != LayoutKind.GRID) {
                layoutSpec = layoutSpec.withFocus(newSpeakerId);
                layoutIds = null;
            }
        });
    }

    /** The layout of the last composited frame; any thread. */
    Layout layout() {
        return layout;
    }

    CompletableFuture<Stats> stats() {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Integer> bitrates = new LinkedHashMap<>();
            long sent = 0;
            int layers = 0;
            for (VideoLadder profile : profiles.values()) {
                profile.bitrates(bitrates);
                sent += profile.framesSent();
                layers += profile.runningLayers();
            }
            return new Stats(profiles.size(), sent, framesSkipped.get(), bitrates, layout.participantIds(), layers);
        }, lane);
    }

    private void tick() {
        if (closed || profiles.isEmpty()) {
            return;
        }
        if (++ticks % settings.fps() == 0) {
            long now = clock.nanoTime();
            for (VideoLadder profile : profiles.values()) {
                profile.choose(now);
            }
        }
        try {
            List<String> ids = new ArrayList<>(sources.size());
            tileFrames.clear();
            for (Source s : sources) {
                if (!s.shown()) {
                    continue;
                }
                ids.add(s.id());
                // The placeholder is drawn here, not in mute(): the first text drawing loads fonts (slow).
                I420Frame frame = s.muted() ? placeholders.computeIfAbsent(s.id(), id -> PlaceholderTile.of(s.name()))
                        : s.video().nextPicture();
                if (frame != null) {
                    tileFrames.put(s.id(), frame);
                }
            }
            if (!ids.equals(layoutIds)) {
                Layout next = Layouts.compute(layoutSpec, settings.width(), settings.height(), ids);
                layoutIds = ids;
                layout = next;
                for (Source s : sources) {
                    // Decode only pictures somebody sees: in the layout, not muted, not an attendee.
                    boolean seen = s.shown() && !s.muted() && next.isVisible(s.id());
                    s.video().setVisible(seen);
                    if (seen) {
                        Tile tile = next.tileOf(s.id());
                        s.video().showIn(tile.width(), tile.height());
                    }
                }
            }
            long composeStart = clock.nanoTime();
            I420Frame canvas = compositor.compose(layout, tileFrames,
                    settings.highlightSpeaker() ? activeSpeaker : null);
            long now = clock.nanoTime();
            clock.timings().videoComposited(now - composeStart);
            I420Frame target = buffers[0] == encoding ? buffer(1) : buffer(0);
            System.arraycopy(canvas.data(), 0, target.data(), 0, target.data().length);
            if (settings.showNames()) {
                // On the copy: the compositor redraws only changed tiles of its own canvas, so labels must not stick there.
                nameLabels.draw(target, layout, names, pictureAreas);
            }
            if (pending != null) {
                framesSkipped.incrementAndGet(); // the encoders are a whole frame behind: keep only the newest
            }
            pending = target;
            lastComposite = target;
            pendingRtpTimestamp = (timestampBase + (now - startNanos) * 9 / 100_000) & 0xffffffffL;
            pendingNanos = now;
            if (encoding == null) {
                submitPending();
            }
        } catch (RuntimeException e) {
            onError.run();
            log.error("Room {}: compositing a video frame failed; the next frame tries again", room, e);
        }
    }

    private I420Frame buffer(int index) {
        if (buffers[index] == null) {
            buffers[index] = new I420Frame(settings.width(), settings.height(),
                    new byte[I420Frame.sizeOf(settings.width(), settings.height())], 0);
        }
        return buffers[index];
    }

    /** Video lane: every running layer of every profile encodes the waiting frame in parallel on the encode pool. */
    private void submitPending() {
        I420Frame frame = pending;
        long rtpTimestamp = pendingRtpTimestamp;
        long nanos = pendingNanos;
        pending = null;
        List<VideoLadder.Job> jobs = new ArrayList<>();
        List<VideoLadder.Switch> switches = new ArrayList<>();
        for (VideoLadder profile : profiles.values()) {
            profile.plan(jobs, switches);
        }
        if (jobs.isEmpty()) {
            return;
        }
        encoding = frame;
        AtomicInteger left = new AtomicInteger(jobs.size());
        for (VideoLadder.Job job : jobs) {
            VideoProfile layer = job.layer();
            clock.encodePool().execute(() -> {
                try {
                    long encodeStart = System.nanoTime();
                    if (layer.encodeAndSend(frame, rtpTimestamp, nanos, job.receivers())) {
                        clock.timings().keyframeSent();
                    }
                    clock.timings().videoEncoded(System.nanoTime() - encodeStart);
                } catch (RuntimeException e) {
                    onError.run();
                    log.error("Room {}: encoding the {} layer of video output {} failed; the next frame tries again",
                            room, layer.layer().size(), layer.key(), e);
                } finally {
                    if (left.decrementAndGet() == 0) {
                        List<VideoLadder.Switch> moved = switches.isEmpty() ? List.of() : finishSwitches(switches);
                        lane.execute(() -> encoded(moved));
                    }
                }
            });
        }
    }

    private List<VideoLadder.Switch> finishSwitches(List<VideoLadder.Switch> switches) {
        try {
            return VideoLadder.finishSwitches(switches);
        } catch (RuntimeException e) {
            onError.run();
            log.error("Room {}: sending a frame to receivers changing video layers failed; they stay where they were",
                    room, e);
            return List.of();
        }
    }

    /** Video lane: the frame in flight is out; start the next one, or finish closing. */
    private void encoded(List<VideoLadder.Switch> moved) {
        if (!closed) {
            for (VideoLadder.Switch s : moved) {
                if (profiles.get(s.ladder().key()) == s.ladder()) {
                    s.ladder().switched(s);
                }
            }
        }
        encoding = null;
        closeRetiredIfIdle();
        if (closed) {
            finishClose();
        } else if (pending != null) {
            submitPending();
        }
    }

    private void closeRetiredIfIdle() {
        if (encoding == null) {
            retiring.forEach(VideoLadder::close);
            retiring.clear();
        }
    }

    /** Frees the encoders and the compositor once no encode runs; completes when done. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lane.execute(() -> {
            if (closing != null) {
                closing.whenComplete((v, e) -> done.complete(null));
                return;
            }
            closing = done;
            closed = true;
            pending = null;
            retiring.addAll(profiles.values());
            profiles.clear();
            programProfile = null;
            if (encoding == null) {
                finishClose();
            }
        });
        return done;
    }

    private void finishClose() {
        closeRetiredIfIdle();
        compositor.close();
        closing.complete(null);
    }

    /** Stops the lane's thread; call after {@link #close()} completed. */
    void shutdown() {
        lane.shutdown();
    }
}
