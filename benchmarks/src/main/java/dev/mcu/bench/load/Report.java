package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.mcu.bench.load.ScenarioResult.f;

/**
 * Writes the results as JSON (for machines) and Markdown (for docs/benchmarks.md), with the
 * machine, the codecs on each side, the ffmpeg ratio and the targets marked met or not.
 *
 * <p>Threads: the main thread, at the end of the run.
 */
final class Report {
    private final List<ScenarioResult> results;
    private final Map<Integer, FfmpegBaseline.Result> baseline;
    private final String baselineNote;
    private final int seconds;
    private final int warmup;
    private final String replayEncoder;
    private final String cpuModel = cpuModel();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final String loadAverage = loadAverage();
    private final String when = Instant.now().toString();

    Report(List<ScenarioResult> results, Map<Integer, FfmpegBaseline.Result> baseline, String baselineNote,
           int seconds, int warmup, String replayEncoder) {
        this.results = results;
        this.baseline = baseline;
        this.baselineNote = baselineNote;
        this.seconds = seconds;
        this.warmup = warmup;
        this.replayEncoder = replayEncoder;
    }

    static String line(ScenarioResult r) {
        if (r.error() != null) {
            return r.scenario().name() + ": FAILED: " + r.error();
        }
        return r.scenario().name() + ": server " + f(r.serverCpuPerMediaSecond(), 3) + " cpu-s per media-s, audio "
                + f(r.audioPpsMean(), 1) + " pkt/s (p5 " + f(r.audioPpsP5(), 1) + "), video "
                + f(r.videoFpsMean(), 1) + " fps (p5 " + f(r.videoFpsP5(), 1) + "), loss a/v "
                + f(r.audioLossPercent(), 2) + "%/" + f(r.videoLossPercent(), 2) + "%, latency p50 "
                + f(r.latencyPercentile(50), 0) + " ms (" + r.latencies().size() + " of " + r.burstsSent() + " bursts), real time "
                + r.realTime();
    }

    private Double ratio(ScenarioResult r) {
        FfmpegBaseline.Result b = baseline.get(r.scenario().videoParticipants());
        return r.error() != null || b == null || !r.scenario().video() ? null
                : r.serverCpuPerMediaSecond() / b.cpuPerMediaSecond();
    }

    private ScenarioResult find(String name) {
        return results.stream().filter(r -> r.scenario().name().equals(name) && r.error() == null).findFirst().orElse(null);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("load-latest.json"), json());
        Files.writeString(dir.resolve("load-latest.md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# End-to-end load: ").append(when).append("\n\n")
                .append("Machine: ").append(cores).append(" cores, ").append(cpuModel)
                .append("; load average before the run ").append(loadAverage).append(".\n")
                .append("Each scenario: a fresh server process (`java -jar mcu-app.jar`), ").append(warmup)
                .append(" s warm-up after all calls are up, then ").append(seconds).append(" s measured. ")
                .append("Server CPU = utime + stime of its process from /proc. ")
                .append("Participants replay media encoded once (").append(replayEncoder)
                .append(", 640x360@30, 600 kbit/s; Opus 32 kbit/s); the server encodes 1280x720@30 H.264 with the ")
                .append("same FFmpeg build (LGPL: OpenH264) and one Opus mix-minus per participant. ")
                .append("ffmpeg baseline: ").append(FfmpegBaseline.VIDEO_CODEC).append(", inputs in libx264.\n\n")
                .append("| scenario | server cpu-s / media-s | ffmpeg cpu-s / media-s | ours ÷ ffmpeg | audio pkt/s per receiver (mean / p5) | video fps per receiver (mean / p5) | video kbit/s | loss audio / video | latency p50 / p90 / p99 ms (detected of bursts sent) | real time | joins | bench JVM cpu-s / s | server peak RSS MiB |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            if (r.error() != null) {
                md.append("| ").append(r.scenario().describe()).append(" | FAILED: ").append(r.error().replace('|', '/'))
                        .append(" |||||||||||\n");
                continue;
            }
            FfmpegBaseline.Result b = baseline.get(r.scenario().videoParticipants());
            Double ratio = ratio(r);
            md.append("| ").append(r.scenario().describe())
                    .append(" | ").append(f(r.serverCpuPerMediaSecond(), 3))
                    .append(" | ").append(b == null || !r.scenario().video() ? "–" : f(b.cpuPerMediaSecond(), 3))
                    .append(" | ").append(ratio == null ? "–" : f(ratio, 2) + "x")
                    .append(" | ").append(f(r.audioPpsMean(), 1)).append(" / ").append(f(r.audioPpsP5(), 1))
                    .append(" | ").append(r.scenario().video() ? f(r.videoFpsMean(), 1) + " / " + f(r.videoFpsP5(), 1) : "–")
                    .append(" | ").append(r.scenario().video() ? f(r.videoKbpsMean(), 0) : "–")
                    .append(" | ").append(f(r.audioLossPercent(), 2)).append("% / ")
                    .append(r.scenario().video() ? f(r.videoLossPercent(), 2) + "%" : "–")
                    .append(" | ").append(f(r.latencyPercentile(50), 0)).append(" / ").append(f(r.latencyPercentile(90), 0))
                    .append(" / ").append(f(r.latencyPercentile(99), 0)).append(" (").append(r.latencies().size()).append(" of ").append(r.burstsSent()).append(')')
                    .append(" | ").append(r.realTime() ? "yes" : "**no**")
                    .append(" | ").append(r.scenario().calls() - r.joinFailures()).append('/').append(r.scenario().calls())
                    .append(" in ").append(f(r.joinSeconds(), 1)).append(" s")
                    .append(" | ").append(f(r.benchCpuSeconds() / r.measuredSeconds(), 2))
                    .append(" | ").append(f(r.serverPeakRssMiB(), 0)).append(" |\n");
        }
        if (baselineNote != null) {
            md.append("\n").append(baselineNote).append("\n");
        }
        md.append("\nLatency: from the talker sending the first packet of a 200 ms, 2.5 kHz tone burst to the latency probe ")
                .append("receiving the first mix packet in which the burst is detected (Goertzel over each decoded 20 ms packet); ")
                .append("it includes the server's jitter buffer and playout delay, the 20 ms mix tick and Opus encode/decode, ")
                .append("and has 20 ms resolution. Real time: the 5th-percentile receiver got ≥ 95% of 50 audio packets/s ")
                .append("(and of 30 video frames/s).\n\n");
        md.append("Targets (issue 4):\n\n");
        ScenarioResult v16 = find("video16");
        Double r16 = v16 == null ? null : ratio(v16);
        md.append("- 16-party 720p30 ≤ 0.85x the ffmpeg CLI's CPU: ").append(r16 == null ? "not measured"
                : f(r16, 2) + "x — " + (r16 <= 0.85 ? "**met**" : "**not met**")).append('\n');
        ScenarioResult l1000 = find("listen1000");
        md.append("- 1,000 audio-only listeners in real time on 2 cores: ").append(l1000 == null ? "not measured"
                : (l1000.realTime() && cores <= 2 ? "**met**" : "**not met**") + " (" + f(l1000.audioPpsMean(), 1)
                + " pkt/s mean, p5 " + f(l1000.audioPpsP5(), 1) + ", server " + f(l1000.serverCpuPerMediaSecond(), 2)
                + " cpu-s/s on " + cores + " cores)").append('\n');
        ScenarioResult latencyRoom = v16 != null ? v16 : largestVideo();
        md.append("- added latency ≤ 50 ms median at 720p30: ").append(latencyRoom == null || latencyRoom.latencies().isEmpty()
                ? "not measured" : f(latencyRoom.latencyPercentile(50), 0) + " ms median in " + latencyRoom.scenario().name()
                + " — " + (latencyRoom.latencyPercentile(50) <= 50 ? "**met**" : "**not met**")).append('\n');
        return md.toString();
    }

    private ScenarioResult largestVideo() {
        return results.stream().filter(r -> r.error() == null && r.scenario().video())
                .max((a, b) -> Integer.compare(a.scenario().videoParticipants(), b.scenario().videoParticipants()))
                .orElse(null);
    }

    String json() {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"when\": \"").append(when).append("\",\n")
                .append("  \"machine\": {\"cores\": ").append(cores).append(", \"cpu\": ").append(quote(cpuModel))
                .append(", \"loadAverageBefore\": ").append(quote(loadAverage)).append("},\n")
                .append("  \"measureSeconds\": ").append(seconds).append(", \"warmupSeconds\": ").append(warmup).append(",\n")
                .append("  \"replayEncoder\": ").append(quote(replayEncoder)).append(",\n")
                .append("  \"baselineEncoder\": ").append(quote(FfmpegBaseline.VIDEO_CODEC)).append(",\n")
                .append("  \"baselineNote\": ").append(baselineNote == null ? "null" : quote(baselineNote)).append(",\n")
                .append("  \"scenarios\": [\n");
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            FfmpegBaseline.Result b = baseline.get(r.scenario().videoParticipants());
            Double ratio = ratio(r);
            j.append("    {\"name\": ").append(quote(r.scenario().name()))
                    .append(", \"description\": ").append(quote(r.scenario().describe()))
                    .append(", \"error\": ").append(r.error() == null ? "null" : quote(r.error()))
                    .append(", \"measuredSeconds\": ").append(num(r.measuredSeconds()))
                    .append(", \"serverCpuSeconds\": ").append(num(r.serverCpuSeconds()))
                    .append(", \"serverCpuPerMediaSecond\": ").append(num(r.serverCpuPerMediaSecond()))
                    .append(", \"ffmpegCpuPerMediaSecond\": ").append(b == null || !r.scenario().video() ? "null" : num(b.cpuPerMediaSecond()))
                    .append(", \"oursOverFfmpeg\": ").append(ratio == null ? "null" : num(ratio))
                    .append(", \"benchJvmCpuSeconds\": ").append(num(r.benchCpuSeconds()))
                    .append(", \"serverPeakRssMiB\": ").append(num(r.serverPeakRssMiB()))
                    .append(", \"calls\": ").append(r.scenario().calls())
                    .append(", \"joinFailures\": ").append(r.joinFailures())
                    .append(", \"joinSeconds\": ").append(num(r.joinSeconds()))
                    .append(", \"audioPacketsPerSecondMean\": ").append(num(r.audioPpsMean()))
                    .append(", \"audioPacketsPerSecondP5\": ").append(num(r.audioPpsP5()))
                    .append(", \"audioLossPercent\": ").append(num(r.audioLossPercent()))
                    .append(", \"videoFpsMean\": ").append(num(r.videoFpsMean()))
                    .append(", \"videoFpsP5\": ").append(num(r.videoFpsP5()))
                    .append(", \"videoKbpsMean\": ").append(num(r.videoKbpsMean()))
                    .append(", \"videoLossPercent\": ").append(num(r.videoLossPercent()))
                    .append(", \"latencyMillis\": {\"n\": ").append(r.latencies().size())
                    .append(", \"p50\": ").append(num(r.latencyPercentile(50)))
                    .append(", \"p90\": ").append(num(r.latencyPercentile(90)))
                    .append(", \"p99\": ").append(num(r.latencyPercentile(99)))
                    .append(", \"burstsSent\": ").append(r.burstsSent())
                    .append(", \"loudestBurstHeard\": ").append(num(r.loudestBurst())).append('}')
                    .append(", \"realTime\": ").append(r.realTime()).append('}')
                    .append(i + 1 < results.size() ? ",\n" : "\n");
        }
        j.append("  ],\n  \"ffmpegBaseline\": [");
        int k = 0;
        for (FfmpegBaseline.Result b : baseline.values()) {
            j.append(k++ == 0 ? "\n" : ",\n").append("    {\"participants\": ").append(b.participants())
                    .append(", \"mediaSeconds\": ").append(num(b.mediaSeconds()))
                    .append(", \"wallSeconds\": ").append(num(b.wallSeconds()))
                    .append(", \"cpuSeconds\": ").append(num(b.cpuSeconds()))
                    .append(", \"cpuPerMediaSecond\": ").append(num(b.cpuPerMediaSecond())).append('}');
        }
        j.append(baseline.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return j.toString();
    }

    private static String num(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : f(value, 4);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
