package dev.mcu.bench.jmh;

import dev.mcu.media.EncodedFrame;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.h264.H264Packetizer;
import dev.mcu.media.rtp.AbstractDepacketizer;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.media.vp8.Vp8Packetizer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-frame cost of the video payload formats on a 30 KB keyframe and a 3 KB delta frame of 720p:
 * H.264 packetization-mode 0 (slices capped at 1,100 bytes, one per packet) and mode 1 (one slice,
 * FU-A fragments, SPS+PPS in a STAP-A), VP8; and reassembling the same packets.
 *
 * <p>Depacketizing rewrites each packet's sequence number and timestamp first (as a new frame's
 * packets would carry) and parses it, as the receive path does, then pushes it; a tear-down check
 * fails the run unless every frame came out whole. Single-threaded; heap only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class PacketizeBenchmark {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int TICKS_PER_FRAME = 3_000; // 90 kHz at 30 fps

    @Param({"keyframe30k", "delta3k"})
    public String frame;

    private EncodedFrame h264Mode0Frame;
    private EncodedFrame h264Mode1Frame;
    private EncodedFrame vp8Frame;
    private H264Packetizer h264Mode0;
    private H264Packetizer h264Mode1;
    private Vp8Packetizer vp8;
    private Stream h264Mode0Stream;
    private Stream h264Mode1Stream;
    private Stream vp8Stream;

    @Setup(Level.Trial)
    public void setUp() {
        boolean keyframe = switch (frame) {
            case "keyframe30k" -> true;
            case "delta3k" -> false;
            default -> throw new IllegalArgumentException(frame);
        };
        int bytes = keyframe ? SyntheticEncodedFrames.KEYFRAME_BYTES : SyntheticEncodedFrames.DELTA_BYTES;
        h264Mode0Frame = SyntheticEncodedFrames.h264(keyframe, bytes, SyntheticEncodedFrames.MODE0_SLICE_BYTES, 1);
        h264Mode1Frame = SyntheticEncodedFrames.h264(keyframe, bytes, 0, 2);
        vp8Frame = SyntheticEncodedFrames.vp8(keyframe, bytes, WIDTH, HEIGHT, 3);
        h264Mode0 = new H264Packetizer(0, 96, 0x1111L, Packetizer.DEFAULT_MAX_PACKET_SIZE, false, 0);
        h264Mode1 = new H264Packetizer(1, 97, 0x2222L, Packetizer.DEFAULT_MAX_PACKET_SIZE, true, 0);
        vp8 = new Vp8Packetizer(98, 0x3333L, Packetizer.DEFAULT_MAX_PACKET_SIZE, 0, 0);

        h264Mode0Stream = new Stream(new H264Depacketizer(),
                new H264Packetizer(0, 96, 0x1111L, Packetizer.DEFAULT_MAX_PACKET_SIZE, false, 0),
                SyntheticEncodedFrames.h264(true, SyntheticEncodedFrames.KEYFRAME_BYTES, SyntheticEncodedFrames.MODE0_SLICE_BYTES, 4),
                h264Mode0Frame);
        h264Mode1Stream = new Stream(new H264Depacketizer(),
                new H264Packetizer(1, 97, 0x2222L, Packetizer.DEFAULT_MAX_PACKET_SIZE, true, 0),
                SyntheticEncodedFrames.h264(true, SyntheticEncodedFrames.KEYFRAME_BYTES, 0, 5),
                h264Mode1Frame);
        vp8Stream = new Stream(new Vp8Depacketizer(),
                new Vp8Packetizer(98, 0x3333L, Packetizer.DEFAULT_MAX_PACKET_SIZE, 0, 0),
                SyntheticEncodedFrames.vp8(true, SyntheticEncodedFrames.KEYFRAME_BYTES, WIDTH, HEIGHT, 6),
                vp8Frame);
        if (h264Mode0.packetize(h264Mode0Frame).isEmpty() || h264Mode0.droppedOversizedNals() != 0) {
            throw new IllegalStateException("mode-0 frame does not fit single NAL unit packets");
        }
    }

    @TearDown(Level.Trial)
    public void checkEveryFrameCameOutWhole() {
        for (Stream s : List.of(h264Mode0Stream, h264Mode1Stream, vp8Stream)) {
            s.checkWhole();
        }
        if (h264Mode0.droppedOversizedNals() != 0) {
            throw new IllegalStateException("mode-0 packetizer dropped NALs");
        }
    }

    @Benchmark
    public List<byte[]> h264Mode0Packetize() {
        return h264Mode0.packetize(h264Mode0Frame);
    }

    @Benchmark
    public List<byte[]> h264Mode1Packetize() {
        return h264Mode1.packetize(h264Mode1Frame);
    }

    @Benchmark
    public List<byte[]> vp8Packetize() {
        return vp8.packetize(vp8Frame);
    }

    @Benchmark
    public void h264Mode0Depacketize(Blackhole blackhole) {
        h264Mode0Stream.receiveOneFrame(blackhole);
    }

    @Benchmark
    public void h264Mode1Depacketize(Blackhole blackhole) {
        h264Mode1Stream.receiveOneFrame(blackhole);
    }

    @Benchmark
    public void vp8Depacketize(Blackhole blackhole) {
        vp8Stream.receiveOneFrame(blackhole);
    }

    /** One incoming stream: its depacketizer, primed with a keyframe, and one frame's packets to replay. */
    private static final class Stream {
        private final AbstractDepacketizer depacketizer;
        private final List<byte[]> packets;
        private int sequence;
        private long timestamp;
        private long framesPushed;

        Stream(AbstractDepacketizer depacketizer, Packetizer packetizer, EncodedFrame keyframe, EncodedFrame measured) {
            this.depacketizer = depacketizer;
            List<byte[]> keyframePackets = packetizer.packetize(keyframe);
            this.packets = packetizer.packetize(measured);
            push(keyframePackets, null); // opens the keyframe gate, so delta frames come out too
        }

        void receiveOneFrame(Blackhole blackhole) {
            push(packets, blackhole);
        }

        private void push(List<byte[]> framePackets, Blackhole blackhole) {
            timestamp += TICKS_PER_FRAME;
            framesPushed++;
            for (byte[] p : framePackets) {
                p[2] = (byte) (sequence >>> 8);
                p[3] = (byte) sequence;
                p[4] = (byte) (timestamp >>> 24);
                p[5] = (byte) (timestamp >>> 16);
                p[6] = (byte) (timestamp >>> 8);
                p[7] = (byte) timestamp;
                sequence = (sequence + 1) & 0xffff;
                EncodedFrame done = depacketizer.push(RtpPacket.parse(p));
                if (blackhole != null) {
                    blackhole.consume(done);
                }
            }
        }

        void checkWhole() {
            if (depacketizer.framesCompleted() != framesPushed || depacketizer.framesDiscarded() != 0
                    || depacketizer.malformedPackets() != 0) {
                throw new IllegalStateException("depacketizer lost frames: pushed " + framesPushed + ", completed "
                        + depacketizer.framesCompleted() + ", discarded " + depacketizer.framesDiscarded()
                        + ", malformed " + depacketizer.malformedPackets());
            }
        }
    }
}
