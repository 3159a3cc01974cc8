package dev.mcu.bench.jmh;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.media.I420Frame;
import dev.mcu.mixer.NameLabels;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What writing the names on the tiles adds to every output frame: {@link NameLabels#draw} on a 720p
 * canvas whose labels are already rendered (the steady state; a rename renders once). The baseline in
 * the same run, {@code copyCanvas}, is the canvas copy every frame already makes, so the ratio says
 * what the names cost next to work the frame does anyway.
 *
 * <p>Single-threaded, as the room's video thread calls it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class NameLabelsBenchmark {
    @Param({"4", "16"})
    public int tiles;

    private final NameLabels labels = new NameLabels();
    private I420Frame source;
    private I420Frame canvas;
    private Layout layout;
    private Map<String, String> names;

    @Setup(Level.Trial)
    public void setUp() {
        source = SyntheticPictures.picture(1280, 720, 7);
        canvas = SyntheticPictures.picture(1280, 720, 8);
        List<String> ids = new ArrayList<>();
        names = new HashMap<>();
        for (int i = 0; i < tiles; i++) {
            ids.add("p" + i);
            names.put("p" + i, "Participant number " + i);
        }
        layout = Layouts.compute(LayoutSpec.grid(), 1280, 720, ids);
        labels.draw(canvas, layout, names);
    }

    @Benchmark
    public I420Frame copyCanvas() {
        System.arraycopy(source.data(), 0, canvas.data(), 0, canvas.data().length);
        return canvas;
    }

    @Benchmark
    public I420Frame drawNames() {
        labels.draw(canvas, layout, names);
        return canvas;
    }
}
