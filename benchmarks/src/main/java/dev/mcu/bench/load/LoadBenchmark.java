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
 * LoadBenchmark [--seconds 60] [--warmup 10] [--scenarios video4,video9,video16,listen100,listen1000]
 *               [--baseline-seconds 20] [--jar mcu-app/target/mcu-app.jar] [--out benchmarks/results]
 *               [--work benchmarks/target/load]
 * </pre>
 *
 * <p>Threads: the main thread drives everything; see {@link ScenarioRunner} and {@link MediaPump}.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "seconds", "60",
                "warmup", "10",
                "scenarios", "video4,video9,video16,listen100,listen1000",
                "baseline-seconds", "20",
                "jar", "mcu-app/target/mcu-app.jar",
                "out", "benchmarks/results",
                "work", "benchmarks/target/load"));
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
        Path work = Path.of(options.get("work"));
        List<Scenario> scenarios = new ArrayList<>();
        for (String name : options.get("scenarios").split(",")) {
            if (!name.isBlank()) {
                scenarios.add(Scenario.parse(name.trim()));
            }
        }

        ScenarioRunner.log("encoding the media every participant replays (once)");
        int videoLoops = scenarios.stream().mapToInt(Scenario::videoParticipants).max().orElse(0);
        List<MediaLibrary.VideoLoop> loops = new ArrayList<>();
        List<List<byte[]>> tones = new ArrayList<>();
        for (int i = 0; i < Math.max(videoLoops, 1); i++) {
            if (videoLoops > 0) {
                loops.add(MediaLibrary.encodeVideo(i));
            }
            tones.add(MediaLibrary.encodeTone(i));
        }
        String replayEncoder = loops.isEmpty() ? "n/a" : loops.get(0).encoderName();
        ScenarioRunner runner = new ScenarioRunner(Path.of(options.get("jar")), work, warmup, seconds, loops, tones,
                MediaLibrary.encodeBurstCycle());

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

        Map<Integer, FfmpegBaseline.Result> baseline = new LinkedHashMap<>();
        String baselineNote = null;
        if (baselineSeconds > 0 && FfmpegBaseline.available()) {
            for (Scenario scenario : scenarios) {
                if (scenario.video()) {
                    ScenarioRunner.log("ffmpeg baseline: N=%d, %d s of media", scenario.videoParticipants(), baselineSeconds);
                    try {
                        FfmpegBaseline.Result r = FfmpegBaseline.run(work.resolve("ffmpeg-" + baselineSeconds + "s"),
                                baselineSeconds, scenario.videoParticipants());
                        baseline.put(scenario.videoParticipants(), r);
                        ScenarioRunner.log("ffmpeg N=%d: %.3f cpu-s per media-s (wall %.1f s)", r.participants(),
                                r.cpuPerMediaSecond(), r.wallSeconds());
                    } catch (Exception e) {
                        baselineNote = "ffmpeg baseline failed: " + e.getMessage();
                    }
                }
            }
        } else {
            baselineNote = baselineSeconds <= 0 ? "baseline skipped (--baseline-seconds 0)"
                    : "baseline skipped: ffmpeg or /usr/bin/time is missing";
        }

        Report report = new Report(results, baseline, baselineNote, seconds, warmup, replayEncoder);
        Path out = Path.of(options.get("out"));
        report.write(out);
        System.out.println(report.markdown());
        ScenarioRunner.log("wrote %s and %s", out.resolve("load-latest.json"), out.resolve("load-latest.md"));
        System.exit(0);
    }
}
