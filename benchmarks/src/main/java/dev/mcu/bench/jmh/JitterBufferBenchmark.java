package dev.mcu.bench.jmh;

import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Per-packet cost of a video {@link JitterBuffer}: insert each arriving packet and poll out
 * everything that became ready, as a stream's receive worker does.
 *
 * <p>{@code inOrder}: packets arrive in sequence. {@code lightlyReordered}: in every 64 packets,
 * three pairs swap places and one packet comes three places late (10 of 64 out of place, none
 * lost), which the buffer must hold back and release in order.
 *
 * <p>Packets come from a pool whose sequence number is written just before insertion (the
 * "arrival"); the pool is larger than the buffer, so no packet is reused while held.
 * Single-threaded; heap only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class JitterBufferBenchmark {
    static final int BATCH = 64;
    private static final int POOL = 4096;
    private static final int PAYLOAD = 1_100;
    private static final int PACKETS_PER_MILLI = 3; // ~26 Mbit/s of 1,100-byte packets: a busy stream

    @Param({"inOrder", "lightlyReordered"})
    public String arrival;

    private final RtpPacket[] pool = new RtpPacket[POOL];
    private final int[] order = new int[BATCH];
    private JitterBuffer buffer;
    private long arrived;
    private int nextBatchSequence;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload = new byte[PAYLOAD];
        for (int i = 0; i < POOL; i++) {
            pool[i] = RtpPacket.parse(RtpPacket.build(96, false, 0, 0, 0x1234_5678L, payload));
        }
        for (int i = 0; i < BATCH; i++) {
            order[i] = i;
        }
        if (arrival.equals("lightlyReordered")) {
            swap(7, 8);
            swap(23, 24);
            swap(41, 42);
            // 55 arrives after 58
            order[55] = 56;
            order[56] = 57;
            order[57] = 58;
            order[58] = 55;
        } else if (!arrival.equals("inOrder")) {
            throw new IllegalArgumentException(arrival);
        }
        buffer = JitterBuffer.forVideo();
        nextBatchSequence = 1_000;
    }

    /** Fails the run if the buffer did not do what this benchmark claims to measure. */
    @TearDown(Level.Trial)
    public void checkNothingWasLost() {
        if (buffer.lost() != 0 || buffer.late() != 0 || buffer.duplicates() != 0 || buffer.released() + buffer.size() != buffer.received()) {
            throw new IllegalStateException("jitter buffer misbehaved in the benchmark: " + buffer);
        }
    }

    private void swap(int a, int b) {
        int t = order[a];
        order[a] = order[b];
        order[b] = t;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void insertAndPoll(Blackhole blackhole) {
        for (int i = 0; i < BATCH; i++) {
            RtpPacket packet = pool[(int) (arrived & (POOL - 1))];
            writeSequence(packet, nextBatchSequence + order[i]);
            long now = arrived / PACKETS_PER_MILLI;
            arrived++;
            buffer.insert(packet, now);
            for (RtpPacket ready = buffer.poll(now); ready != null; ready = buffer.poll(now)) {
                blackhole.consume(ready);
            }
        }
        nextBatchSequence = (nextBatchSequence + BATCH) & 0xffff;
    }

    private static void writeSequence(RtpPacket packet, int sequence) {
        byte[] b = packet.buffer();
        b[packet.offset() + 2] = (byte) (sequence >>> 8);
        b[packet.offset() + 3] = (byte) sequence;
    }
}
