package dev.mcu.bench.jmh;

import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpProfile;
import dev.mcu.webrtc.SrtpStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * CPU cost of SRTP per 1,000 RTP packets of 1,100 bytes (issue 3), one op = 1,000 packets:
 * {@link SrtpContext#protectRtp} (sending) and {@link SrtpContext#unprotectRtp} (receiving, with
 * replay check), for AES-CM/HMAC-SHA1-80 and AEAD AES-128-GCM.
 *
 * <p>Because both rewrite packets in place, the 1,000 packets of the next op are copied in outside
 * the measurement ({@code Level.Invocation}): clear packets with the next sequence numbers for
 * protect; for unprotect, packets protected once by the peer's context, each op with a new
 * receiving context (its replay window would refuse them a second time). The copies are the only
 * set-up work, so the CpuTimeProfiler's CPU time per op is close to the cost itself. Every status
 * is checked; a failure stops the run.
 * Single-threaded; heap only (JCE ciphers).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class SrtpBenchmark {
    static final int PACKETS = 1_000;
    static final int PACKET_BYTES = 1_100;
    private static final long SSRC = 0x5eed_1234L;

    /** One direction of a session: the peer's sending context, ours, and the receiving one. */
    @State(Scope.Thread)
    public static class Session {
        @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
        public String profile;

        SrtpContext peerSender;
        SrtpContext sender;
        byte[] clearTemplate;
        private SrtpProfile srtpProfile;
        private byte[] key;
        private byte[] salt;

        @Setup(Level.Trial)
        public void setUp() {
            srtpProfile = SrtpProfile.valueOf(profile);
            Random random = new Random(7);
            key = new byte[srtpProfile.keyLength()];
            salt = new byte[srtpProfile.saltLength()];
            random.nextBytes(key);
            random.nextBytes(salt);
            peerSender = newContext();
            sender = newContext();
            byte[] payload = new byte[PACKET_BYTES - RtpPacket.FIXED_HEADER_SIZE];
            random.nextBytes(payload);
            clearTemplate = RtpPacket.build(96, false, 0, 90_000, SSRC, payload);
        }

        SrtpContext newContext() {
            return SrtpContext.create(srtpProfile, key, salt);
        }
    }

    /** Protect: the next 1,000 clear packets, with the next sequence numbers. */
    @State(Scope.Thread)
    public static class ClearPackets {
        final PacketBuffer[] packets = new PacketBuffer[PACKETS];
        private final byte[][] arrays = new byte[PACKETS][PACKET_BYTES + SrtpContext.MAX_TRAILER];
        private int sequence;

        @Setup(Level.Invocation)
        public void prepare(Session session) {
            sequence = fill(arrays, packets, session.clearTemplate, sequence);
        }
    }

    /**
     * Unprotect: 1,000 packets the peer's sending context protected once, copied back before every
     * op, and a fresh receiving context for them (the replay window would reject a second pass).
     */
    @State(Scope.Thread)
    public static class ProtectedPackets {
        final PacketBuffer[] packets = new PacketBuffer[PACKETS];
        private final byte[][] arrays = new byte[PACKETS][PACKET_BYTES + SrtpContext.MAX_TRAILER];
        private byte[][] sealed;
        SrtpContext receiver;

        @Setup(Level.Trial)
        public void protectOnce(Session session) {
            fill(arrays, packets, session.clearTemplate, 0);
            protectAll(session.peerSender, packets);
            sealed = new byte[PACKETS][];
            for (int i = 0; i < PACKETS; i++) {
                sealed[i] = packets[i].toByteArray();
            }
        }

        @Setup(Level.Invocation)
        public void prepare(Session session) {
            for (int i = 0; i < PACKETS; i++) {
                System.arraycopy(sealed[i], 0, arrays[i], 0, sealed[i].length);
                packets[i] = new PacketBuffer(arrays[i], 0, sealed[i].length);
            }
            receiver = session.newContext();
        }
    }

    @Benchmark
    public int protect(Session session, ClearPackets outgoing) {
        return protectAll(session.sender, outgoing.packets);
    }

    @Benchmark
    public int unprotect(ProtectedPackets incoming) {
        int bytes = 0;
        for (PacketBuffer packet : incoming.packets) {
            SrtpStatus status = incoming.receiver.unprotectRtp(packet);
            if (status != SrtpStatus.OK) {
                throw new IllegalStateException("unprotect failed: " + status);
            }
            bytes += packet.length();
        }
        return bytes;
    }

    private static int protectAll(SrtpContext context, PacketBuffer[] packets) {
        int bytes = 0;
        for (PacketBuffer packet : packets) {
            SrtpStatus status = context.protectRtp(packet);
            if (status != SrtpStatus.OK) {
                throw new IllegalStateException("protect failed: " + status);
            }
            bytes += packet.length();
        }
        return bytes;
    }

    /** Copies the template into every array with consecutive sequence numbers; returns the next one. */
    private static int fill(byte[][] arrays, PacketBuffer[] packets, byte[] template, int sequence) {
        for (int i = 0; i < PACKETS; i++) {
            byte[] a = arrays[i];
            System.arraycopy(template, 0, a, 0, PACKET_BYTES);
            a[2] = (byte) (sequence >>> 8);
            a[3] = (byte) sequence;
            sequence = (sequence + 1) & 0xffff;
            packets[i] = new PacketBuffer(a, 0, PACKET_BYTES);
        }
        return sequence;
    }
}
