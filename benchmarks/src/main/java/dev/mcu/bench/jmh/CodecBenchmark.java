package dev.mcu.bench.jmh;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Baseline rows to compare the rest against: what the codecs cost per frame, with the MCU's output
 * settings (720p, 30 fps, 1,500 kbit/s, one encoder thread, keyframe every 10 s).
 *
 * <ul>
 *   <li>{@code opusEncode20ms}: one 20 ms frame of 48 kHz mono speech through libopus.</li>
 *   <li>{@code opusMixMinus20ms}: a speaker's mix-minus (three other voices summed) through the
 *       one-listener encoder the room uses ({@link AudioEncoder#forOneListener}: tuned for audio, no FEC,
 *       so CELT, at complexity 1 since session 12); {@code opusMixMinusComplexity3_20ms}: the same at
 *       complexity 3 (session 11's); {@code opusMixMinusVoiceTuned20ms}: complexity 3 tuned for voice,
 *       as before session 11 (libopus codes it hybrid, SILK + CELT).</li>
 *   <li>{@code h264Encode720p} (openh264 in the default LGPL build, libx264 with -Pgpl) and
 *       {@code vp8Encode720p} (libvpx): one 1280x720 canvas of a slow camera pan (4 px per frame,
 *       back and forth, so there is real motion and never a scene cut).</li>
 * </ul>
 * Single-threaded; the encoders (native FFmpeg contexts) are owned by the state and closed in
 * tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class CodecBenchmark {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int FPS = 30;
    private static final int BITRATE_KBPS = 1_500;
    private static final int PAN_FRAMES = 30;
    private static final int TICKS_PER_FRAME = 90_000 / FPS;

    private AudioEncoder opus;
    private AudioEncoder mixMinus;
    private AudioEncoder mixMinusComplexity3;
    private AudioEncoder mixMinusVoiceTuned;
    private short[][] threeVoices;
    private VideoEncoder h264;
    private VideoEncoder vp8;
    private short[][] speech;
    private I420Frame[] pan;
    private int audioFrame;
    private int h264Frame;
    private int vp8Frame;

    @Setup(Level.Trial)
    public void setUp() {
        speech = new short[8][];
        for (int i = 0; i < speech.length; i++) {
            speech[i] = SyntheticAudio.speech(i);
        }
        pan = SyntheticPictures.pan(WIDTH, HEIGHT, PAN_FRAMES, 11);
        opus = AudioEncoder.create(Codec.OPUS);
        threeVoices = new short[8][];
        for (int i = 0; i < threeVoices.length; i++) {
            short[] mix = new short[speech[0].length];
            for (int v = 0; v < 3; v++) {
                short[] voice = SyntheticAudio.speech(i + 3 * v);
                for (int s = 0; s < mix.length; s++) {
                    mix[s] += (short) (voice[s] / 2);
                }
            }
            threeVoices[i] = mix;
        }
        mixMinus = AudioEncoder.forOneListener(Codec.OPUS, false);
        mixMinusComplexity3 = AudioEncoder.forOneListener(Codec.OPUS, false, 3);
        mixMinusVoiceTuned = AudioEncoder.create(Codec.OPUS, AudioEncoder.OPUS_COMPLEXITY_ONE_LISTENER, false);
        h264 = VideoEncoder.create(config(Codec.H264));
        vp8 = VideoEncoder.create(config(Codec.VP8));
    }

    private static VideoEncoderConfig config(Codec codec) {
        return VideoEncoderConfig.of(codec, WIDTH, HEIGHT)
                .withFps(FPS)
                .withBitrateKbps(BITRATE_KBPS)
                .withKeyframeIntervalFrames(10 * FPS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opus.close();
        mixMinus.close();
        mixMinusComplexity3.close();
        mixMinusVoiceTuned.close();
        h264.close();
        vp8.close();
    }

    @Benchmark
    public byte[] opusEncode20ms() {
        return opus.encode(speech[audioFrame++ & 7]);
    }

    @Benchmark
    public byte[] opusMixMinus20ms() {
        return mixMinus.encode(threeVoices[audioFrame++ & 7]);
    }

    @Benchmark
    public byte[] opusMixMinusComplexity3_20ms() {
        return mixMinusComplexity3.encode(threeVoices[audioFrame++ & 7]);
    }

    @Benchmark
    public byte[] opusMixMinusVoiceTuned20ms() {
        return mixMinusVoiceTuned.encode(threeVoices[audioFrame++ & 7]);
    }

    @Benchmark
    public EncodedFrame h264Encode720p() {
        int n = h264Frame++;
        return h264.encode(pan[panIndex(n)], (long) n * TICKS_PER_FRAME);
    }

    @Benchmark
    public EncodedFrame vp8Encode720p() {
        int n = vp8Frame++;
        return vp8.encode(pan[panIndex(n)], (long) n * TICKS_PER_FRAME);
    }

    /** 0, 1, ..., 29, 28, ..., 1, 0, 1, ...: back and forth across the pan. */
    private static int panIndex(int n) {
        int period = 2 * (PAN_FRAMES - 1);
        int k = n % period;
        return k < PAN_FRAMES ? k : period - k;
    }
}
