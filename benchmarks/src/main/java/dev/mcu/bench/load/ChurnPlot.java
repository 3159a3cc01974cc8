package dev.mcu.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The churn soak's plot: four stacked panels (heap after GC, resident memory outside the heap,
 * threads, file descriptors) over the run's time, as one self-contained SVG. Hand-written because
 * it is four polylines and some text: no plotting library on the JVM is worth its weight for that.
 * Called on the main thread.
 */
final class ChurnPlot {
    private static final int WIDTH = 720;
    private static final int PANEL_HEIGHT = 130;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int GAP = 30;

    private record Series(String title, String unit, String colour, ToDoubleFunction<ChurnSoak.Sample> value) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("heap in use after GC", "MiB", "#1f77b4", ChurnSoak.Sample::heapMiB),
            new Series("resident memory outside the heap", "MiB", "#d62728", ChurnSoak.Sample::nativeMiB),
            new Series("threads", "", "#2ca02c", ChurnSoak.Sample::threads),
            new Series("open file descriptors", "", "#9467bd", ChurnSoak.Sample::fds));

    private ChurnPlot() {
    }

    static String svg(List<ChurnSoak.Sample> samples) {
        int height = TOP + SERIES.size() * (PANEL_HEIGHT + GAP) + 20;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        long cycles = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).cycles();
        double seconds = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).seconds());
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">MCU server under churn: %d "
                + "joins and leaves in %.0f s</text>%n", LEFT, cycles, seconds));
        for (int i = 0; i < SERIES.size(); i++) {
            panel(out, SERIES.get(i), samples, TOP + i * (PANEL_HEIGHT + GAP), seconds);
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private static void panel(StringBuilder out, Series series, List<ChurnSoak.Sample> samples, int y0,
                              double seconds) {
        double max = samples.stream().mapToDouble(series.value()).max().orElse(1);
        double top = niceCeiling(max * 1.2);
        int plotWidth = WIDTH - LEFT - RIGHT;
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s%s</text>%n", LEFT,
                y0 - 6, series.title(), series.unit().isEmpty() ? "" : " (" + series.unit() + ")"));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", LEFT, y0, plotWidth, PANEL_HEIGHT));
        for (int tick = 0; tick <= 2; tick++) {
            double v = top * tick / 2;
            int y = y0 + PANEL_HEIGHT - (int) Math.round(PANEL_HEIGHT * tick / 2.0);
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, y + 4, v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                            : String.format(Locale.ROOT, "%.1f", v)));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>%n",
                LEFT + plotWidth, y0 + PANEL_HEIGHT + 14, seconds));
        StringBuilder points = new StringBuilder();
        for (ChurnSoak.Sample s : samples) {
            double x = LEFT + plotWidth * s.seconds() / seconds;
            double y = y0 + PANEL_HEIGHT - PANEL_HEIGHT * series.value().applyAsDouble(s) / top;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                + "points=\"%s\"/>%n", series.colour(), points.toString().trim()));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
