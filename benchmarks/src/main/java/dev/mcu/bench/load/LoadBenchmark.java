package dev.mcu.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end load benchmark: the MCU server runs as its own process (so its CPU is measured alone
 * from /proc) and synthetic SIP participants in this JVM replay pre-encoded media to it. For each
 * scenario it reports the server's CPU seconds per media second, what every receiver got (audio
 * packets and video frames per second, loss), and the added audio latency; then it runs the ffmpeg
 * CLI baseline for the same video room sizes and writes {@code load-latest.json} and
 * {@code load-latest.md}. Run by {@code benchmarks/run-load.sh}, not by {@code mvn verify}.
 *
 * <pre>
 * LoadBenchmark [--seconds 60] [--warmup 10] [--scenarios video4,video16,video64,video64speaker,listen1000,talk1000]
 *               [--baseline-seconds 20] [--jar mcu-app/target/mcu-app.jar] [--out benchmarks/results]
 *               [--work benchmarks/target/load] [--quality-script benchmarks/quality.py]
 *               [--command 'how it was started, for the report']
 * </pre>
 *
 * <p>Threads: the main thread drives everything; see {@link ScenarioRunner} and {@link MediaPump}.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {
    }

    /** The grid's picture rectangles as quality.py wants them: "x,y,w,h;x,y,w,h;...". */
    static String pictureList(int n) {
        StringBuilder out = new StringBuilder();
        for (FfmpegBaseline.Picture p : FfmpegBaseline.gridPictures(n)) {
            out.append(out.length() == 0 ? "" : ";").append(p.x()).append(',').append(p.y()).append(',')
                    .append(p.width()).append(',').append(p.height());
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "seconds", "60",
                "warmup", "150",
                "scenarios", "video4,video9,video16,listen100,listen1000",
                "baseline-seconds", "20",
                "baseline-runs", "3",
                "jar", "mcu-app/target/mcu-app.jar",
                "out", "benchmarks/results",
                "work", "benchmarks/target/load",
                "quality-script", "benchmarks/quality.py",
                "command", "benchmarks/run-load.sh"));
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (!options.containsKey(key) || i + 1 >= args.length) {
                System.err.println("usage: LoadBenchmark " + options.keySet().stream().map(k -> "[--" + k + " V]")
                        .reduce((a, b) -> a + " " + b).orElse(""));
                System.exit(2);
            }
            options.put(key, args[++i]);
        }
        int seconds = Integer.parseInt(options.get("seconds"));
        int warmup = Integer.parseInt(options.get("warmup"));
        int baselineSeconds = Integer.parseInt(options.get("baseline-seconds"));
        int baselineRuns = Integer.parseInt(options.get("baseline-runs"));
        Path work = Path.of(options.get("work"));
        List<Scenario> scenarios = new ArrayList<>();
        for (String name : options.get("scenarios").split(",")) {
            if (!name.isBlank()) {
                scenarios.add(Scenario.parse(name.trim()));
            }
        }

        String loadAverageBefore = Report.loadAverageNow();
        ScenarioRunner.log("encoding the media every participant replays (once)");
        int videoLoops = scenarios.stream().mapToInt(Scenario::videoParticipants).max().orElse(0);
        List<MediaLibrary.VideoLoop> loops = new ArrayList<>();
        List<MediaLibrary.AudioLoop> tones = new ArrayList<>();
        for (int i = 0; i < Math.max(videoLoops, Scenario.TALKERS); i++) {
            if (i < videoLoops) {
                loops.add(MediaLibrary.encodeVideo(i));
            }
            tones.add(MediaLibrary.encodeTone(i));
        }
        // the server picks its H.264 encoder the same way from the same natives (libx264 if present)
        String encoder = loops.isEmpty() ? dev.mcu.encoder.VideoEncoder.create(
                dev.mcu.encoder.VideoEncoderConfig.of(dev.mcu.media.Codec.H264, 64, 64)).encoderName()
                : loops.get(0).encoderName();
        Path media = work.resolve("media-" + encoder);
        for (int i = 0; i < loops.size(); i++) {
            MediaLibrary.writeBaselineInputs(media, i, loops.get(i));
        }
        ScenarioRunner runner = new ScenarioRunner(Path.of(options.get("jar")), work, warmup, seconds, loops, tones,
                MediaLibrary.encodeBurstCycle(), MediaLibrary.encodeSilence());

        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            ScenarioResult result;
            try {
                result = runner.run(scenario);
            } catch (Exception e) {
                result = ScenarioResult.failed(scenario, e.toString());
            }
            results.add(result);
            ScenarioRunner.log("%s", Report.line(result));
        }

        // the ffmpeg CLI doing the same job as each grid room, in the same invocation
        Map<String, FfmpegBaseline.Result> baseline = new LinkedHashMap<>();
        String baselineNote = null;
        if (baselineSeconds > 0 && FfmpegBaseline.available()) {
            for (Scenario scenario : scenarios) {
                if (scenario.video() && "grid".equals(scenario.layout())) {
                    ScenarioRunner.log("ffmpeg baseline: N=%d, %d s of media, %s, %d runs", scenario.participants(),
                            baselineSeconds, encoder, baselineRuns);
                    ScenarioResult served = results.stream().filter(r -> r.scenario() == scenario).findFirst().orElse(null);
                    Quality.Arrangement arrangement = served == null || served.recording() == null ? null
                            : Quality.arrangement(options.get("quality-script"), media,
                                    pictureList(scenario.participants()), served.recording());
                    ScenarioRunner.log("ffmpeg baseline tiles: %s", arrangement == null
                            ? "participant i in tile i, every tile in step (the server's arrangement is unknown)"
                            : "as the server arranged them " + arrangement);
                    try {
                        FfmpegBaseline.Result r = FfmpegBaseline.run(media, baselineSeconds, scenario.participants(), encoder,
                                arrangement, baselineRuns);
                        baseline.put(scenario.name(), r);
                        ScenarioRunner.log("ffmpeg N=%d: %.3f cpu-s per media-s, the median of %s (wall %.1f s); "
                                        + "one thread per decoder %.3f, the median of %s; fed in real time %.3f, the median "
                                        + "of %s (wall %s s)", r.participants(),
                                r.cpuPerMediaSecond(), r.runsCpuPerMediaSecond(), r.wallSeconds(),
                                r.oneDecodeThreadCpuPerMediaSecond(), r.oneDecodeThreadRuns(),
                                r.pacedCpuPerMediaSecond(), r.pacedRuns(), r.pacedWallSeconds());
                    } catch (Exception e) {
                        baselineNote = "ffmpeg baseline failed: " + e.getMessage();
                        ScenarioRunner.log("%s", baselineNote);
                    }
                }
            }
        } else {
            baselineNote = baselineSeconds <= 0 ? "baseline skipped (--baseline-seconds 0)"
                    : "baseline skipped: /usr/bin/time or the ffmpeg program of the FFmpeg natives is missing";
        }

        // what a participant receives: SSIM / PSNR of the grid tiles, ours and ffmpeg's
        Map<String, Quality> quality = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            if (r.error() != null || !r.scenario().video() || !"grid".equals(r.scenario().layout())) {
                continue;
            }
            String pictures = pictureList(r.scenario().participants());
            Quality.Measure ours = r.recording() == null ? null
                    : Quality.measure(options.get("quality-script"), media, pictures, r.recording());
            FfmpegBaseline.Result b = baseline.get(r.scenario().name());
            Quality.Measure theirs = b == null ? null
                    : Quality.measure(options.get("quality-script"), media, pictures, b.output());
            quality.put(r.scenario().name(), new Quality(ours, theirs));
            ScenarioRunner.log("%s: quality ours %s, ffmpeg %s", r.scenario().name(), ours, theirs);
        }

        Report report = new Report(results, baseline, quality, baselineNote, seconds, warmup, baselineSeconds, encoder,
                options.get("command"), loadAverageBefore);
        Path out = Path.of(options.get("out"));
        report.write(out);
        System.out.println(report.markdown());
        ScenarioRunner.log("wrote %s and %s", out.resolve("load.json"), out.resolve("load.md"));
        System.exit(0);
    }
}
