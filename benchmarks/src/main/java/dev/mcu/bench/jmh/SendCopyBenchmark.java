package dev.mcu.bench.jmh;

import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.PacketOutput;
import dev.mcu.webrtc.SrtpContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The Java side of sending one browser's video packet with abs-send-time, before SRTP: the copy a
 * WebRTC output makes of the layer's shared packet, with payload type, sequence number, SSRC and the
 * send-time stamp written in. {@code stampThenCopy} is how it was until issue 12's send-path change
 * ({@link AbsSendTime#withExtension} made a copy with the element, then the output copied that into
 * its SRTP buffer); {@code stampInOneCopy} is {@link PacketOutput#copyForSending}, the one copy now.
 * Single-threaded; the cipher and the socket are left out (the same in both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class SendCopyBenchmark {
    private static final int ABS_SEND_TIME_ID = 2;

    /** Payload bytes of the packet: a full video packet, and a small one. */
    @Param({"1100", "200"})
    public int payload;

    private byte[] shared;
    private int sequenceNumber;

    @Setup
    public void setUp() {
        shared = RtpPacket.build(96, false, 1, 3000, 0xcafe_babeL, new byte[payload]);
    }

    @Benchmark
    public byte[] stampThenCopy() {
        byte[] stamped = AbsSendTime.withExtension(shared, ABS_SEND_TIME_ID, System.nanoTime());
        byte[] out = new byte[stamped.length + SrtpContext.MAX_TRAILER];
        System.arraycopy(stamped, 0, out, 0, stamped.length);
        out[1] = (byte) ((stamped[1] & 0x80) | 102);
        out[2] = (byte) (++sequenceNumber >>> 8);
        out[3] = (byte) sequenceNumber;
        out[8] = 1;
        out[9] = 2;
        out[10] = 3;
        out[11] = 4;
        return out;
    }

    @Benchmark
    public byte[] stampInOneCopy() {
        byte[] out = new byte[shared.length + AbsSendTime.MAX_ADDED_BYTES + SrtpContext.MAX_TRAILER];
        PacketOutput.copyForSending(shared, 102, 0x0102_0304L, ++sequenceNumber, ABS_SEND_TIME_ID,
                AbsSendTime.value(System.nanoTime()), out);
        return out;
    }
}
