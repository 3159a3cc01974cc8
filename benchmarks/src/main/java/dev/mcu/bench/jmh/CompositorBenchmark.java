package dev.mcu.bench.jmh;

import dev.mcu.decoder.I420Extractor;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;
import dev.mcu.media.PictureFit;
import dev.mcu.mixer.VideoCompositor;
import org.bytedeco.ffmpeg.avutil.AVFrame;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * One output frame of the room's video: {@link VideoCompositor#compose} of a grid of 640x360
 * sources onto a 720p or 1080p canvas (the issue-4 target: 16 tiles at 720p within 1 ms).
 *
 * <ul>
 *   <li>{@code allSourcesChanged}: every participant has a new frame object since the last
 *       compose (two prepared sets alternate), so every tile is scaled: the worst case.</li>
 *   <li>{@code nothingChanged}: the same frames as last time, so no tile is redrawn: the cost of a
 *       frame in which nobody's picture changed.</li>
 *   <li>{@code allSourcesChangedFitted}: every source changed, as the room really delivers them: the
 *       decoder has already fitted each picture to its tile ({@code VideoDecoder.fitInto}), so the
 *       compositor copies rows. The scaling moved to the decode threads; the end-to-end load
 *       benchmark is where the two add up.</li>
 *   <li>{@code allSourcesChangedFittedByDecoders}: the two added up in one thread, what one output
 *       frame costs the server in CPU wherever it runs: each participant's decoder fits its new native
 *       picture to the tile ({@code I420Extractor}, each with its own, as each decoder owns one), then
 *       the compositor copies the rows. The issue-12 target (16 tiles at 720p in 1 ms) counts this.</li>
 * </ul>
 * Single-threaded, as the room's media clock calls it. The compositor (native swscale contexts
 * and buffers), the extractors and the native pictures are owned by the state and closed in tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class CompositorBenchmark {
    static final int SOURCE_WIDTH = 640;
    static final int SOURCE_HEIGHT = 360;

    @Param({"1", "4", "9", "16", "25"})
    public int tiles;

    @Param({"1280x720", "1920x1080"})
    public String canvas;

    /**
     * How the decoders fit their pictures in {@code allSourcesChangedFittedByDecoders}: the server's
     * extractor ({@code native}: 2:1 and 4:1 fits on {@code TentFit}, others on zimg), zimg alone as before
     * session 22, or swscale as before session 15.
     */
    @Param({"native", "zimg", "swscale"})
    public String decoderFit;

    private VideoCompositor compositor;
    private Layout layout;
    private Map<String, I420Frame> framesA;
    private Map<String, I420Frame> framesB;
    private Map<String, I420Frame> fittedA;
    private Map<String, I420Frame> fittedB;
    private boolean useB;
    private final Map<String, AVFrame> decodedA = new HashMap<>();   // owned: freed in tear-down
    private final Map<String, AVFrame> decodedB = new HashMap<>();   // owned: freed in tear-down
    private final Map<String, I420Extractor> extractors = new HashMap<>(); // owned: closed in tear-down
    private final Map<String, I420Frame> fittedByDecoders = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        String[] size = canvas.split("x");
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        List<String> ids = new ArrayList<>();
        framesA = new HashMap<>();
        framesB = new HashMap<>();
        for (int i = 0; i < tiles; i++) {
            String id = "participant-" + i;
            ids.add(id);
            framesA.put(id, SyntheticPictures.picture(SOURCE_WIDTH, SOURCE_HEIGHT, 2L * i));
            framesB.put(id, SyntheticPictures.picture(SOURCE_WIDTH, SOURCE_HEIGHT, 2L * i + 1));
            decodedA.put(id, SyntheticPictures.nativeCopy(framesA.get(id)));
            decodedB.put(id, SyntheticPictures.nativeCopy(framesB.get(id)));
            extractors.put(id, switch (decoderFit) {
                case "native" -> new I420Extractor();
                case "zimg" -> I420Extractor.withoutTentFit();
                case "swscale" -> I420Extractor.swscaleOnly();
                default -> throw new IllegalArgumentException("decoderFit " + decoderFit);
            });
        }
        layout = Layouts.compute(LayoutSpec.grid(), width, height, ids);
        if (layout.size() != tiles) {
            throw new IllegalStateException("grid holds " + layout.size() + " tiles, wanted " + tiles);
        }
        fittedA = new HashMap<>();
        fittedB = new HashMap<>();
        for (String id : ids) {
            Tile tile = layout.tileOf(id);
            PictureFit fit = PictureFit.of(tile.width(), tile.height(), SOURCE_WIDTH, SOURCE_HEIGHT);
            fittedA.put(id, SyntheticPictures.picture(fit.width(), fit.height(), 3L * ids.indexOf(id)));
            fittedB.put(id, SyntheticPictures.picture(fit.width(), fit.height(), 3L * ids.indexOf(id) + 1));
        }
        compositor = new VideoCompositor(width, height);
        compositor.compose(layout, framesB); // layout applied, swscale contexts created
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compositor.close();
        extractors.values().forEach(I420Extractor::close);
        decodedA.values().forEach(picture -> av_frame_free(picture));
        decodedB.values().forEach(picture -> av_frame_free(picture));
    }

    @Benchmark
    public I420Frame allSourcesChanged() {
        useB = !useB;
        return compositor.compose(layout, useB ? framesB : framesA);
    }

    @Benchmark
    public I420Frame allSourcesChangedFitted() {
        useB = !useB;
        return compositor.compose(layout, useB ? fittedB : fittedA);
    }

    @Benchmark
    public I420Frame allSourcesChangedFittedByDecoders() {
        useB = !useB;
        Map<String, AVFrame> decoded = useB ? decodedB : decodedA;
        for (Map.Entry<String, I420Extractor> participant : extractors.entrySet()) {
            String id = participant.getKey();
            Tile tile = layout.tileOf(id);
            fittedByDecoders.put(id, participant.getValue().extract(decoded.get(id), 0, tile.width(), tile.height()));
        }
        return compositor.compose(layout, fittedByDecoders);
    }

    @Benchmark
    public I420Frame nothingChanged() {
        return compositor.compose(layout, framesA);
    }
}
