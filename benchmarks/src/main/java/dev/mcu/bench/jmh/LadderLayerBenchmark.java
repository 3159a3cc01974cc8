package dev.mcu.bench.jmh;

import dev.mcu.conference.LayerScaler;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What one layer of the output ladder costs per frame: the 720p canvas box-filtered down to the
 * layer ({@link LayerScaler}; nothing for the canvas-sized layer) and encoded at the layer's rate,
 * as an encode-pool thread does it for every frame while somebody receives the layer. The canvas
 * is a slow camera pan (as {@link CodecBenchmark}), so there is real motion.
 *
 * <ul>
 *   <li>{@code scaleAndEncode}: the whole per-frame cost of the layer.</li>
 *   <li>{@code scaleOnly}: the box filter alone.</li>
 * </ul>
 * Times 30 fps give the share of a core a layer takes. Single-threaded; the encoder (native FFmpeg
 * context) is owned by the state and closed in tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
public class LadderLayerBenchmark {
    private static final int CANVAS_WIDTH = 1280;
    private static final int CANVAS_HEIGHT = 720;
    private static final int FPS = 30;
    private static final int PAN_FRAMES = 30;
    private static final int TICKS_PER_FRAME = 90_000 / FPS;

    /** width x height @ kbit/s: the default ladder. */
    @Param({"1280x720@1500", "640x360@500", "320x180@150"})
    public String layer;

    @Param({"H264", "VP8"})
    public String codec;

    private VideoEncoder encoder;
    private LayerScaler scaler;     // null for the canvas-sized layer
    private I420Frame[] pan;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() {
        String[] sizeAndRate = layer.split("@");
        String[] size = sizeAndRate[0].split("x");
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        pan = SyntheticPictures.pan(CANVAS_WIDTH, CANVAS_HEIGHT, PAN_FRAMES, 11);
        scaler = width == CANVAS_WIDTH ? null : new LayerScaler(width, height);
        encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.valueOf(codec), width, height)
                .withFps(FPS).withBitrateKbps(Integer.parseInt(sizeAndRate[1])).withKeyframeIntervalFrames(10 * FPS));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
    }

    @Benchmark
    public EncodedFrame scaleAndEncode() {
        int n = frame++;
        I420Frame canvas = pan[panIndex(n)];
        return encoder.encode(scaler == null ? canvas : scaler.scale(canvas), (long) n * TICKS_PER_FRAME);
    }

    @Benchmark
    public I420Frame scaleOnly() {
        I420Frame canvas = pan[panIndex(frame++)];
        return scaler == null ? canvas : scaler.scale(canvas);
    }

    /** 0, 1, ..., 29, 28, ..., 1, 0, 1, ...: back and forth across the pan. */
    private static int panIndex(int n) {
        int period = 2 * (PAN_FRAMES - 1);
        int k = n % period;
        return k < PAN_FRAMES ? k : period - k;
    }
}
