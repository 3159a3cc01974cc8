package dev.mcu.conference;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.media.I420Frame;
import dev.mcu.media.Codec;
import dev.mcu.mixer.ActiveSpeakerDetector;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.mixer.AudioMixer;
import dev.mcu.mixer.MixResult;
import dev.mcu.mixer.VideoCompositor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A conference: its participants, and its media clock. Every 20 ms the clock mixes audio (each
 * participant hears everyone but itself) and every 1/fps it composites the video of the room into
 * one canvas and encodes it once per output profile.
 *
 * <p>Threads: all room state (participants, profiles, compositor, mixer) is confined to the room's
 * single media-clock thread. {@link #join} and {@link #leave} may be called from any thread; they
 * hand their work to the clock. A slow participant cannot stall the clock: decoding happens on the
 * decode pool, and the clock only reads the latest decoded picture and the buffered audio.
 */
public final class Room implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final VideoSettings video;
    private final ExecutorService decodePool;                                    // borrowed
    private final ScheduledExecutorService clock;                                // owned
    private final Map<String, Participant> participants = new LinkedHashMap<>(); // clock thread
    private final Map<VideoProfileKey, VideoProfile> profiles = new HashMap<>();  // clock thread
    private final Map<String, short[]> audioInputs = new HashMap<>();            // clock thread
    private final Map<String, I420Frame> latestFrames = new HashMap<>();         // clock thread
    private final AudioMixer mixer = new AudioMixer();                           // clock thread
    private final SpeakerSelector speakerSelector;                               // clock thread
    private final ActiveSpeakerDetector activeSpeaker;                           // clock thread
    private final RoomEvents events;
    private final Map<String, I420Frame> placeholders = new HashMap<>();          // clock thread: muted video
    private final Map<String, Double> levels = new HashMap<>();                   // clock thread
    private final Map<Codec, AudioEncoder> listenerEncoders = new HashMap<>();    // owned, clock thread
    private final Map<Codec, byte[]> listenerPayloads = new HashMap<>();          // clock thread, per round
    private final VideoCompositor compositor;                                    // owned, clock thread
    private final long startNanos = System.nanoTime();
    private final long videoTimestampBase = (long) (Math.random() * 0xffffffffL);
    private LayoutSpec layoutSpec;
    private Layout layout;
    private List<String> layoutIds = List.of();
    private volatile boolean closed;
    private long clockErrors;
    private int audioEncodesLastRound;

    public Room(String name, VideoSettings video, int maxSpeakers, ExecutorService decodePool, RoomEvents events) {
        this.name = name;
        this.speakerSelector = new SpeakerSelector(maxSpeakers);
        this.events = events;
        this.activeSpeaker = new ActiveSpeakerDetector(new ActiveSpeakerDetector.Listener() {
            @Override
            public void onTalkStarted(String participantId) {
                setTalking(participantId, true);
                events.onTalkStarted(name, participantId);
            }

            @Override
            public void onTalkStopped(String participantId) {
                setTalking(participantId, false);
                events.onTalkStopped(name, participantId);
            }

            @Override
            public void onActiveSpeakerChanged(String previousId, String newId) {
                speakerChanged(newId);
                events.onActiveSpeakerChanged(name, newId);
            }
        });
        this.layoutSpec = new LayoutSpec(video.layout(), null, video.customTiles());
        this.video = video;
        this.decodePool = decodePool;
        this.compositor = new VideoCompositor(video.width(), video.height());
        this.layout = Layout.empty(video.width(), video.height());
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "room-" + name + "-clock");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleAtFixedRate(() -> safely("audio mix", this::mixAudio), 20, 20, TimeUnit.MILLISECONDS);
        long framePeriodNanos = 1_000_000_000L / video.fps();
        clock.scheduleAtFixedRate(() -> safely("video composite", this::compositeVideo),
                framePeriodNanos, framePeriodNanos, TimeUnit.NANOSECONDS);
    }

    public String name() {
        return name;
    }

    /** Adds a member's media to the room. The participant is built here, on the caller's thread. */
    public void join(Member member) {
        Participant participant = new Participant(member, name, decodePool, this::clockMillis, this::onKeyframeRequested);
        member.setMediaListener(participant);
        clock.execute(() -> add(participant));
    }

    /** Removes a member's media; returns when the clock has let go of it. */
    public CompletableFuture<Void> leave(String callId) {
        return CompletableFuture.runAsync(() -> remove(callId), clock);
    }

    /** Rebuilds a participant's media after a re-INVITE changed codecs, ports or direction. */
    public void update(Member member) {
        leave(member.id());
        join(member);
    }

    /** Changes the layout at run time; the canvas is redrawn on the next frame. */
    public void setLayout(LayoutSpec spec) {
        clock.execute(() -> {
            layoutSpec = spec.focusId() == null && video.followSpeaker()
                    ? spec.withFocus(activeSpeaker.activeSpeaker().orElse(null)) : spec;
            layoutIds = null;
            log.info("Room {}: layout is now {}{}", name, spec.kind(),
                    spec.focusId() == null ? "" : " on " + spec.focusId());
            events.onLayoutChanged(name, spec.kind(), spec.focusId());
        });
    }

    /**
     * Changes the layout kind and its focus; a null focus follows the active speaker when
     * {@code video.followSpeaker} is on. A custom layout keeps the configured tiles.
     *
     * @throws IllegalArgumentException for a custom layout when none is configured
     */
    public void setLayout(LayoutKind kind, String focusId) {
        setLayout(new LayoutSpec(kind, focusId, kind == LayoutKind.CUSTOM ? video.customTiles() : List.of()));
    }

    /**
     * Mutes or unmutes a participant's audio and/or video (null leaves that kind as it is). Muted
     * audio is not decoded nor mixed; muted video keeps its tile, showing a placeholder with the name.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> mute(String participantId, Boolean audio, Boolean video) {
        return onClock(participantId, p -> {
            boolean changed = false;
            if (audio != null && audio != p.audioMuted) {
                p.audioMuted = audio;
                changed = true;
            }
            if (video != null && video != p.videoMuted) {
                p.videoMuted = video;
                changed = true;
            }
            if (changed) {
                applyMediaGates(p);
                log.info("Room {}: {} is now {}", name, p.displayName(), muteWords(p));
                events.onMuted(name, p.id, p.audioMuted, p.videoMuted);
            }
        });
    }

    /**
     * Gives a participant a role. An attendee's media is neither decoded, mixed nor shown; it keeps
     * receiving the room.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> setRole(String participantId, Role role) {
        java.util.Objects.requireNonNull(role, "role");
        return onClock(participantId, p -> {
            if (p.role != role) {
                p.role = role;
                applyMediaGates(p);
                log.info("Room {}: {} is now {}", name, p.displayName(), role.name().toLowerCase(java.util.Locale.ROOT));
                events.onRoleChanged(name, p.id, role);
            }
        });
    }

    /** Everyone in the room, in joining order; answered by the room's clock. */
    public CompletableFuture<List<ParticipantSnapshot>> participants() {
        return CompletableFuture.supplyAsync(
                () -> participants.values().stream().map(this::snapshotOf).toList(), clock);
    }

    /** One participant, or empty when it is not in this room; answered by the room's clock. */
    public CompletableFuture<Optional<ParticipantSnapshot>> participant(String participantId) {
        return onClock(participantId, p -> { });
    }

    private CompletableFuture<Optional<ParticipantSnapshot>> onClock(String participantId,
                                                                     java.util.function.Consumer<Participant> change) {
        return CompletableFuture.supplyAsync(() -> {
            Participant p = participants.get(participantId);
            if (p == null) {
                return Optional.empty();
            }
            change.accept(p);
            return Optional.of(snapshotOf(p));
        }, clock);
    }

    private static String muteWords(Participant p) {
        return (p.audioMuted ? "muted" : "unmuted") + " (audio), " + (p.videoMuted ? "muted" : "unmuted") + " (video)";
    }

    /** After a mute or role change: stop or restart decoding, and redraw the layout. Clock thread. */
    private void applyMediaGates(Participant p) {
        if (p.inboundAudio() != null) {
            p.inboundAudio().setDecoding(p.heard());
        }
        if (!p.heard()) {
            p.levelDbov = AudioLevel.SILENCE_DBOV;
            speakerSelector.forget(p.id);
            activeSpeaker.forget(p.id);
        }
        if (!p.videoMuted) {
            placeholders.remove(p.id);
        }
        layoutIds = null; // recomputed, with each participant's decoding, on the next frame
    }

    private void setTalking(String participantId, boolean talking) {
        Participant p = participants.get(participantId);
        if (p != null) {
            p.talking = talking;
        }
    }

    private ParticipantSnapshot snapshotOf(Participant p) {
        return new ParticipantSnapshot(p.id, p.displayName(), p.role, p.audioMuted, p.videoMuted, p.talking,
                p.levelDbov, layout.isVisible(p.id), p.audioCodec(), p.videoCodec(), p.stats(layout.isVisible(p.id)));
    }

    /** Counters for the admin view and tests; answered by the clock thread. */
    public CompletableFuture<RoomStats> stats() {
        return CompletableFuture.supplyAsync(this::snapshot, clock);
    }

    private void add(Participant participant) {
        if (closed) {
            participant.close();
            return;
        }
        Participant previous = participants.put(participant.id, participant);
        if (previous != null) {
            detach(previous);
        }
        VideoProfileKey key = participant.videoProfile();
        if (key != null) {
            profiles.computeIfAbsent(key, k -> {
                log.info("Room {}: starting video output {} at {}x{}@{}", name, k, video.width(), video.height(), video.fps());
                return new VideoProfile(k, video);
            }).addReceiver(participant.transport());
        }
        applyMediaGates(participant);
        if (participant.inboundVideo() != null && participant.role.isSeenAndHeard()) {
            participant.transport().requestKeyframe();
        }
        log.info("Room {}: {} joined as {} ({} in the room)", name, participant.displayName(),
                participant.role.name().toLowerCase(java.util.Locale.ROOT), participants.size());
        events.onJoined(name, participant.id, participant.displayName(), participant.role);
    }

    private void remove(String callId) {
        Participant participant = participants.remove(callId);
        if (participant != null) {
            detach(participant);
            log.info("Room {}: {} left ({} in the room)", name, participant.displayName(), participants.size());
            events.onLeft(name, callId);
        }
    }

    private void detach(Participant participant) {
        placeholders.remove(participant.id);
        mixer.forget(participant.id);
        speakerSelector.forget(participant.id);
        activeSpeaker.forget(participant.id);
        VideoProfileKey key = participant.videoProfile();
        if (key != null) {
            VideoProfile profile = profiles.get(key);
            if (profile != null) {
                profile.removeReceiver(participant.transport());
                if (!profile.hasReceivers()) {
                    profiles.remove(key).close();
                    log.info("Room {}: stopped video output {} (no receivers left)", name, key);
                }
            }
        }
        participant.close();
    }

    /** The floor changed hands: a speaker-focused layout follows it. Clock thread. */
    private void speakerChanged(String newSpeakerId) {
        Participant p = newSpeakerId == null ? null : participants.get(newSpeakerId);
        log.info("Room {}: active speaker is now {}", name, p == null ? "nobody" : p.displayName());
        if (video.followSpeaker() && newSpeakerId != null && layoutSpec.kind() != LayoutKind.GRID) {
            layoutSpec = layoutSpec.withFocus(newSpeakerId);
            layoutIds = null;
        }
    }

    private void onKeyframeRequested(Participant participant) {
        VideoProfileKey key = participant.videoProfile();
        if (key != null) {
            clock.execute(() -> {
                VideoProfile profile = profiles.get(key);
                if (profile != null) {
                    profile.requestKeyframe();
                }
            });
        }
    }

    private long clockMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    /**
     * Mixes the K loudest speakers. Each of them hears its own mix-minus, encoded for it alone;
     * everyone else hears the same full mix, encoded once per codec, whatever the room's size.
     */
    private void mixAudio() {
        levels.clear();
        for (Participant p : participants.values()) {
            InboundAudio in = p.inboundAudio();
            p.levelDbov = AudioLevel.SILENCE_DBOV;
            if (in != null && p.heard() && in.readFrame(p.pcmScratch)) {
                p.levelDbov = in.levelDbov(p.pcmScratch); // RFC 6464 level when signalled
                levels.put(p.id, p.levelDbov);
            }
        }
        activeSpeaker.onRound(levels);
        audioInputs.clear();
        for (String speaker : speakerSelector.select(levels)) {
            audioInputs.put(speaker, participants.get(speaker).pcmScratch);
        }
        for (Participant p : participants.values()) {
            p.mixed = audioInputs.containsKey(p.id);
        }
        MixResult mix = mixer.mix(audioInputs);
        listenerPayloads.clear();
        int ownEncodes = 0;
        for (Participant p : participants.values()) {
            OutboundAudio out = p.outboundAudio();
            if (out == null) {
                continue;
            }
            if (mix.contributed(p.id)) {
                out.sendOwnMix(mix.mixFor(p.id));
                ownEncodes++;
            } else {
                out.sendSharedPayload(listenerPayloads.computeIfAbsent(out.codec(),
                        codec -> listenerEncoders.computeIfAbsent(codec, AudioEncoder::create).encode(mix.fullMix())));
            }
        }
        audioEncodesLastRound = ownEncodes + listenerPayloads.size();
    }

    private void compositeVideo() {
        if (profiles.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(participants.size());
        latestFrames.clear();
        for (Participant p : participants.values()) {
            if (p.shown()) {
                ids.add(p.id);
                // The placeholder is drawn here, not in mute(): the first text drawing loads fonts (slow).
                I420Frame frame = p.videoMuted ? placeholders.computeIfAbsent(p.id, id -> PlaceholderTile.of(p.displayName()))
                        : p.inboundVideo().latest();
                if (frame != null) {
                    latestFrames.put(p.id, frame);
                }
            }
        }
        if (!ids.equals(layoutIds)) {
            layout = Layouts.compute(layoutSpec, video.width(), video.height(), ids);
            layoutIds = ids;
            for (Participant p : participants.values()) {
                if (p.inboundVideo() != null) {
                    // Decode only pictures somebody sees: in the layout, not muted, not an attendee.
                    p.inboundVideo().setVisible(p.shown() && !p.videoMuted && layout.isVisible(p.id));
                }
            }
        }
        String highlighted = video.highlightSpeaker() ? activeSpeaker.activeSpeaker().orElse(null) : null;
        I420Frame canvas = compositor.compose(layout, latestFrames, highlighted);
        long now = System.nanoTime();
        long rtpTimestamp = (videoTimestampBase + (now - startNanos) * 9 / 100_000) & 0xffffffffL;
        for (VideoProfile profile : profiles.values()) {
            profile.encodeAndSend(canvas, rtpTimestamp, now);
        }
    }

    private RoomStats snapshot() {
        Map<String, Long> decodedBy = new LinkedHashMap<>();
        long skipped = 0;
        for (Participant p : participants.values()) {
            if (p.inboundVideo() != null) {
                decodedBy.put(p.id, p.inboundVideo().framesDecoded());
                skipped += p.inboundVideo().skippedInvisible();
            }
        }
        long framesDecoded = decodedBy.values().stream().mapToLong(Long::longValue).sum();
        long framesSent = profiles.values().stream().mapToLong(VideoProfile::framesSent).sum();
        return new RoomStats(name, participants.size(), profiles.size(), framesDecoded, framesSent,
                audioEncodesLastRound, List.copyOf(audioInputs.keySet()), activeSpeaker.activeSpeaker().orElse(null),
                decodedBy, skipped, layout.participantIds(), videoBitrates(), clockErrors);
    }

    private Map<String, Integer> videoBitrates() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (VideoProfile profile : profiles.values()) {
            out.put(profile.key().toString(), profile.bitrateKbps());
        }
        return out;
    }

    private void safely(String what, Runnable tick) {
        try {
            tick.run();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep the room alive and say why.
            clockErrors++;
            if (clockErrors <= 10 || clockErrors % 1000 == 0) {
                log.error("Room {}: {} failed ({} times so far); the room keeps running", name, what, clockErrors, e);
            }
        }
    }

    /** Stops the clock and frees every participant's and profile's codecs. Does not hang up calls. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            closed = true;
            for (Participant p : new ArrayList<>(participants.values())) {
                detach(p);
            }
            participants.clear();
            for (VideoProfile profile : profiles.values()) {
                profile.close();
            }
            profiles.clear();
            listenerEncoders.values().forEach(AudioEncoder::close);
            listenerEncoders.clear();
            compositor.close();
        }, clock);
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Room {}: closing took too long or failed: {}", name, e.toString());
        }
        clock.shutdownNow();
    }

    /** Point-in-time figures of a room. */
    public record RoomStats(String room, int participants, int videoProfiles, long framesDecoded, long framesSent,
                     int audioEncodesLastRound, List<String> mixedSpeakers, String activeSpeaker,
                     Map<String, Long> framesDecodedByParticipant, long videoPacketsSkippedInvisible,
                     List<String> visibleInLayout, Map<String, Integer> videoBitrateKbps, long clockErrors) {
    }
}
