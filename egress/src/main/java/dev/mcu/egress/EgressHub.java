package dev.mcu.egress;

import dev.mcu.encoder.AacEncoder;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A room's egresses and what they share: the program's H.264 access units as the room encoded
 * them (no second encode), and the room's mix encoded once to AAC, both stamped on one clock and
 * handed to every running egress. With no egress running it does nothing at all.
 *
 * <p>Threads: {@link #onVideo} from the room's video clock, {@link #onAudio} from its audio clock
 * (they may be one thread or two); {@link #start}, {@link #stop}, {@link #list} and {@link #close}
 * from any thread (the API). The AAC encoder is used under {@code audioLock}, which only
 * {@link #onAudio} and {@link #close} take.
 */
public final class EgressHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressHub.class);
    static final int AAC_BITRATE = 64_000;
    /** The most egresses one room may run at once: each has a thread and a connection or file. */
    public static final int MAX_EGRESSES = 8;

    /** What every output's streams are: the program's size and the AAC configuration. */
    record Format(int width, int height, byte[] audioSpecificConfig, int sampleRate, int channels) {
    }

    private final String room;
    private final Runnable requestKeyframe;
    private final EgressListener listener;
    private final Backoff backoff;
    private final LongSupplier nanoClock;
    private final Format format;
    private final Object audioLock = new Object();
    private final AacEncoder aac;                                                  // owned: closed in close(), under audioLock
    private final List<Egress> running = new CopyOnWriteArrayList<>();
    private final Map<String, Egress> byId = new ConcurrentHashMap<>();
    private volatile boolean closed;

    // Audio clock only (under audioLock).
    private boolean audioAnchored;
    private long audioBaseMicros;
    private long samplesEncoded;

    // Video clock only.
    private boolean videoAnchored;
    private long videoBaseMicros;
    private long videoBaseRtp;
    private long lastRtp;
    private long videoTicks;
    private long lastKeyframeMicros;
    private long lastPeriodicRequestMicros;

    /**
     * @param requestKeyframe asks the room's program encoder for an IDR (the room rate-limits it)
     * @param nanoClock       System::nanoTime, or a test's clock
     */
    public EgressHub(String room, int width, int height, Runnable requestKeyframe, EgressListener listener,
                     Backoff backoff, LongSupplier nanoClock) {
        this.room = room;
        this.requestKeyframe = requestKeyframe;
        this.listener = listener;
        this.backoff = backoff;
        this.nanoClock = nanoClock;
        this.aac = AacEncoder.create(AAC_BITRATE);
        this.format = new Format(width, height, aac.audioSpecificConfig(), aac.sampleRate(), aac.channels());
    }

    /**
     * Starts an output; it begins writing at the program's next keyframe.
     *
     * @throws IllegalStateException when the room already runs {@link #MAX_EGRESSES} or is closing
     */
    public Egress start(EgressTarget target) {
        if (closed) {
            throw new IllegalStateException("room " + room + " is closing");
        }
        if (running.size() >= MAX_EGRESSES) {
            throw new IllegalStateException("room " + room + " already runs " + MAX_EGRESSES + " egresses; stop one first");
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        Egress egress = new Egress(id, room, target, format, requestKeyframe, new Forget(), backoff);
        byId.put(id, egress);
        running.add(egress);
        egress.start();
        requestKeyframe.run();
        log.info("Room {}: egress {} ({}) to {} starting at the next keyframe", room, id, target.kind().apiName(),
                target.displayName());
        return egress;
    }

    /** Stops an output (it finishes its file or connection on its own thread); false when unknown. */
    public boolean stop(String id) {
        Egress egress = byId.get(id);
        if (egress == null) {
            return false;
        }
        egress.stop();
        return true;
    }

    public Optional<Egress> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<EgressStats> list() {
        List<EgressStats> out = new ArrayList<>();
        for (Egress egress : running) {
            out.add(egress.stats());
        }
        return out;
    }

    /** True while at least one output runs: the room may skip feeding an idle hub. */
    public boolean active() {
        return !running.isEmpty();
    }

    /** The program's next access unit (H.264 Annex B); anything else is ignored. Video clock. */
    public void onVideo(EncodedFrame frame) {
        if (running.isEmpty() || frame.codec() != Codec.H264) {
            videoAnchored = false;
            return;
        }
        long rtp = frame.rtpTimestamp() & 0xffffffffL;
        if (!videoAnchored) {
            videoAnchored = true;
            videoBaseMicros = nanoClock.getAsLong() / 1_000;
            videoBaseRtp = rtp;
            lastRtp = rtp;
            videoTicks = 0;
            lastKeyframeMicros = videoBaseMicros;
            lastPeriodicRequestMicros = videoBaseMicros;
        }
        videoTicks += (int) (rtp - lastRtp); // signed 32-bit difference: survives the wrap
        lastRtp = rtp;
        long micros = videoBaseMicros + videoTicks * 100 / 9;
        if (frame.keyframe()) {
            lastKeyframeMicros = micros;
        } else {
            askForPeriodicKeyframe(micros);
        }
        MuxPacket packet = new MuxPacket(true, frame.data(), micros, frame.keyframe());
        for (Egress egress : running) {
            egress.offer(packet);
        }
    }

    /** HLS segments and RTMP ingest servers need keyframes more often than the room makes them. */
    private void askForPeriodicKeyframe(long nowMicros) {
        long sinceKeyframe = nowMicros - lastKeyframeMicros;
        if (nowMicros - lastPeriodicRequestMicros < 500_000) {
            return;
        }
        for (Egress egress : running) {
            if (egress.wantsKeyframeAfter(sinceKeyframe)) {
                lastPeriodicRequestMicros = nowMicros;
                requestKeyframe.run();
                return;
            }
        }
    }

    /** 20 ms of the room's mix (48 kHz mono); encoded to AAC once for every output. Audio clock. */
    public void onAudio(short[] pcm48kMono) {
        if (running.isEmpty()) {
            audioAnchored = false;
            return;
        }
        List<AacEncoder.AacFrame> frames;
        long base;
        synchronized (audioLock) {
            if (closed) {
                return;
            }
            if (!audioAnchored) {
                audioAnchored = true;
                audioBaseMicros = nanoClock.getAsLong() / 1_000 - samplesEncoded * 1_000_000L / aac.sampleRate();
            }
            frames = aac.encode(pcm48kMono);
            samplesEncoded += pcm48kMono.length;
            base = audioBaseMicros;
        }
        for (AacEncoder.AacFrame frame : frames) {
            MuxPacket packet = new MuxPacket(false, frame.data(), base + frame.pts() * 1_000_000L / aac.sampleRate(), true);
            for (Egress egress : running) {
                egress.offer(packet);
            }
        }
    }

    /** Stops every output, waits up to 5 s for them to finish their files, and frees the AAC encoder. */
    @Override
    public void close() {
        closed = true;
        List<Egress> all = new ArrayList<>(running);
        all.forEach(Egress::stop);
        for (Egress egress : all) {
            try {
                if (!egress.awaitStopped(5_000)) {
                    log.warn("Room {}: egress {} to {} did not finish within 5 s; leaving it to end on its own",
                            room, egress.id(), egress.target().displayName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (audioLock) {
            aac.close();
        }
    }

    /** Takes an ended egress off the fan-out, then passes its report on. */
    private final class Forget implements EgressListener {
        @Override
        public void onStarted(String room, EgressStats stats) {
            listener.onStarted(room, stats);
        }

        @Override
        public void onStopped(String room, EgressStats stats, String reason) {
            Egress egress = byId.remove(stats.id());
            if (egress != null) {
                running.remove(egress);
            }
            listener.onStopped(room, stats, reason);
        }
    }
}
