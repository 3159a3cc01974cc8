package dev.mcu.egress;

import dev.mcu.media.h264.AnnexB;
import dev.mcu.media.h264.H264Nal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One output of a room's program, muxed on a thread of its own so a slow disk or a stalled RTMP
 * server never holds up the room: the room only offers packets to a bounded queue, and what does
 * not fit is dropped and counted. An output starts at a keyframe (the hub is asked for one); a
 * live destination (RTMP, SRT) that fails is closed and reopened after a growing pause, again from
 * a keyframe; a file output (recording, HLS) that fails stops and says why.
 *
 * <p>Threads: {@link #offer} from the room's clocks, {@link #stop} and {@link #stats} from any
 * thread; everything else, including every FFmpeg call through its {@link Muxer}, on this egress's
 * own thread.
 */
public final class Egress {
    private static final Logger log = LoggerFactory.getLogger(Egress.class);
    /** About 3 s of program (30 video + 47 audio packets a second) before packets are dropped. */
    static final int QUEUE_PACKETS = 256;
    private static final long KEYFRAME_REQUEST_SPACING_NANOS = 1_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public enum State { STARTING, RUNNING, RECONNECTING, STOPPED, FAILED }

    private final String id;
    private final String room;
    private final EgressTarget target;
    private final EgressHub.Format format;
    private final Runnable requestKeyframe;
    private final EgressListener listener;
    private final Backoff backoff;
    private final BlockingQueue<MuxPacket> queue = new ArrayBlockingQueue<>(QUEUE_PACKETS);
    private final Thread thread;
    private final LongAdder droppedQueueFull = new LongAdder();
    private volatile boolean stopRequested;
    private volatile State state = State.STARTING;
    private volatile long packetsWritten;
    private volatile long bytesWritten;
    private volatile long droppedDisconnected;
    private volatile long connects;
    private volatile long failures;
    private volatile String lastError;
    private volatile long finalCpuNanos = -1;

    // Egress thread only.
    private Muxer muxer;                      // owned: finished in closeMuxer()
    private long originMicros;
    private int consecutiveFailures;
    private long nextAttemptNanos;
    private long lastKeyframeRequestNanos = Long.MIN_VALUE / 2;

    Egress(String id, String room, EgressTarget target, EgressHub.Format format, Runnable requestKeyframe,
           EgressListener listener, Backoff backoff) {
        this.id = id;
        this.room = room;
        this.target = target;
        this.format = format;
        this.requestKeyframe = requestKeyframe;
        this.listener = listener;
        this.backoff = backoff;
        this.thread = new Thread(this::run, "egress-" + room + "-" + id);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public String id() {
        return id;
    }

    public EgressTarget target() {
        return target;
    }

    public State state() {
        return state;
    }

    /** Hands a packet over without ever blocking; a full queue drops it and counts. Room clock threads. */
    void offer(MuxPacket packet) {
        if (!queue.offer(packet)) {
            droppedQueueFull.increment();
        }
    }

    /**
     * Whether this output needs a keyframe now that {@code sinceKeyframeMicros} passed since the
     * last. Not earlier than the interval: FFmpeg's HLS muxer cuts at the first keyframe at or
     * after each 2 s mark, so one just before it would make a 4 s segment.
     */
    boolean wantsKeyframeAfter(long sinceKeyframeMicros) {
        return target.kind().keyframeIntervalSeconds() > 0
                && sinceKeyframeMicros >= target.kind().keyframeIntervalSeconds() * 1_000_000L;
    }

    /** Asks the thread to finish the output (MP4 index, HLS end of list) and end. */
    void stop() {
        stopRequested = true;
    }

    /** Waits for the thread to end; true when it did within the time. */
    boolean awaitStopped(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    public EgressStats stats() {
        long cpu = finalCpuNanos >= 0 ? finalCpuNanos : Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
        return new EgressStats(id, target.kind(), target.displayName(), state, packetsWritten, bytesWritten,
                droppedQueueFull.sum(), droppedDisconnected, connects, failures, lastError, cpu / 1_000_000L);
    }

    private void run() {
        String reason = "stopped";
        try {
            while (!stopRequested) {
                MuxPacket packet = queue.poll(100, TimeUnit.MILLISECONDS);
                if (packet != null && !handle(packet)) {
                    reason = lastError;
                    state = State.FAILED;
                    break;
                }
            }
            if (state != State.FAILED && !writeWhatWasHandedOver()) {
                reason = lastError;
                state = State.FAILED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reason = "unexpected error: " + e;
            state = State.FAILED;
            log.error("Room {}: egress {} to {} failed unexpectedly", room, id, target.displayName(), e);
        } finally {
            String failure = closeMuxer();
            if (failure != null && state != State.FAILED) {
                lastError = failure;
                log.warn("Room {}: egress {} to {}: {}", room, id, target.displayName(), failure);
            }
            queue.clear();
            if (state != State.FAILED) {
                state = State.STOPPED;
            }
            finalCpuNanos = Math.max(0, THREADS.getCurrentThreadCpuTime());
            EgressStats stats = stats();
            log.info("Room {}: egress {} to {} ended ({}): {} packets, {} KB written, {} dropped",
                    room, id, target.displayName(), reason, stats.packetsWritten(), stats.bytesWritten() / 1024,
                    stats.droppedQueueFull() + stats.droppedDisconnected());
            listener.onStopped(room, stats, reason);
        }
    }

    /**
     * On stop, writes the packets still queued when this thread sees the stop (at most the queue's
     * 3 s): a recording ends where the user stopped it even when this thread was behind.
     * An output that is not open (a live destination waiting to reconnect) is not opened for them.
     */
    private boolean writeWhatWasHandedOver() {
        List<MuxPacket> handedOver = new ArrayList<>(queue.size());
        queue.drainTo(handedOver);
        for (MuxPacket packet : handedOver) {
            if (muxer == null) {
                break;
            }
            if (!handle(packet)) {
                return false;
            }
        }
        return true;
    }

    /** Writes one packet, opening the output first when needed; false when the egress must end. */
    private boolean handle(MuxPacket packet) {
        if (muxer == null) {
            if (!readyToOpen(packet)) {
                droppedDisconnected++;
                return true;
            }
            if (!open(packet)) {
                droppedDisconnected++;
                return target.kind().retries();
            }
        }
        if (packet.timeMicros() < originMicros) {
            droppedDisconnected++; // audio from before the output's first picture
            return true;
        }
        try {
            muxer.write(packet, packet.timeMicros() - originMicros);
            packetsWritten++;
            bytesWritten += packet.data().length;
            consecutiveFailures = 0;
            return true;
        } catch (MuxerException e) {
            return failed(e.getMessage());
        }
    }

    /** An output opens at a keyframe, and for a live destination only once its pause is over. */
    private boolean readyToOpen(MuxPacket packet) {
        long now = System.nanoTime();
        if (now - nextAttemptNanos < 0) {
            return false;
        }
        if (!packet.video() || !packet.keyframe()) {
            if (now - lastKeyframeRequestNanos >= KEYFRAME_REQUEST_SPACING_NANOS) {
                lastKeyframeRequestNanos = now;
                requestKeyframe.run();
            }
            return false;
        }
        return true;
    }

    private boolean open(MuxPacket keyframe) {
        byte[] parameterSets = parameterSets(keyframe.data());
        if (parameterSets == null) {
            return failed("the program's keyframe carries no SPS/PPS");
        }
        try {
            if (target.kind() == EgressKind.HLS || target.kind() == EgressKind.RECORD) {
                Files.createDirectories(Path.of(target.location()).toAbsolutePath().getParent());
            }
            muxer = Muxer.open(target, format.width(), format.height(), parameterSets,
                    format.audioSpecificConfig(), format.sampleRate(), format.channels());
        } catch (MuxerException e) {
            failed(e.getMessage());
            return false;
        } catch (java.io.IOException e) {
            failed("cannot create the directory " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            return false;
        }
        originMicros = keyframe.timeMicros();
        connects++;
        state = State.RUNNING;
        if (connects == 1) {
            log.info("Room {}: egress {} ({}) is writing to {}", room, id, target.kind().apiName(), target.displayName());
            listener.onStarted(room, stats());
        } else {
            log.info("Room {}: egress {} reconnected to {}", room, id, target.displayName());
        }
        return true;
    }

    /** Records a failure; a live destination is retried after a pause, anything else ends. */
    private boolean failed(String why) {
        failures++;
        lastError = why;
        String closeFailure = closeMuxer();
        if (closeFailure != null) {
            log.debug("Room {}: egress {}: {}", room, id, closeFailure);
        }
        if (!target.kind().retries()) {
            log.warn("Room {}: egress {} to {} stopped: {}. Check that the directory exists and is writable, "
                    + "then start it again.", room, id, target.displayName(), why);
            return false;
        }
        consecutiveFailures++;
        long delay = backoff.delayMillis(consecutiveFailures);
        nextAttemptNanos = System.nanoTime() + delay * 1_000_000L;
        state = State.RECONNECTING;
        log.warn("Room {}: egress {} to {} failed ({}); retrying in {} ms. Check that the server is up and the URL "
                + "and stream key are right.", room, id, target.displayName(), why, delay);
        return true;
    }

    private String closeMuxer() {
        if (muxer == null) {
            return null;
        }
        String failure = muxer.finish();
        muxer = null;
        return failure;
    }

    /** SPS and PPS of an Annex B keyframe, as an Annex B stream for the muxer's extradata. */
    static byte[] parameterSets(byte[] accessUnit) {
        List<byte[]> sets = new ArrayList<>(2);
        boolean sps = false;
        boolean pps = false;
        for (AnnexB.NalUnit nal : AnnexB.split(accessUnit)) {
            if (nal.type() == H264Nal.SPS && !sps) {
                sets.add(nal.toByteArray());
                sps = true;
            } else if (nal.type() == H264Nal.PPS && !pps) {
                sets.add(nal.toByteArray());
                pps = true;
            }
        }
        return sps && pps ? AnnexB.join(sets) : null;
    }
}
