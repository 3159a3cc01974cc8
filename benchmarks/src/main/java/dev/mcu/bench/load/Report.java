package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import static dev.mcu.bench.load.ScenarioResult.f;

/**
 * Writes the results as JSON ({@code load.json}, for charts.py and machines) and Markdown
 * ({@code load.md}, for docs/benchmarks.md): per scenario the command that runs it alone, the
 * server's CPU beside the ffmpeg CLI's for the same job and encoder, the received quality beside
 * ffmpeg's, delivery and latency, the per-stage CPU breakdown from per-thread CPU, and the issue's
 * targets marked met or not.
 *
 * <p>Threads: the main thread, at the end of the run.
 */
final class Report {
    private final List<ScenarioResult> results;
    private final Map<String, FfmpegBaseline.Result> baseline;
    private final Map<String, Quality> quality;
    private final String baselineNote;
    private final int seconds;
    private final int warmup;
    private final int baselineSeconds;
    private final String encoder;
    private final String command;
    private final String cpuModel = cpuModel();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final String loadAverageBefore;
    private final String when = Instant.now().toString();

    Report(List<ScenarioResult> results, Map<String, FfmpegBaseline.Result> baseline, Map<String, Quality> quality,
           String baselineNote, int seconds, int warmup, int baselineSeconds, String encoder, String command,
           String loadAverageBefore) {
        this.results = results;
        this.loadAverageBefore = loadAverageBefore;
        this.baseline = baseline;
        this.quality = quality;
        this.baselineNote = baselineNote;
        this.seconds = seconds;
        this.warmup = warmup;
        this.baselineSeconds = baselineSeconds;
        this.encoder = encoder;
        this.command = command;
    }

    /** The warm-up the room's per-frame code needs to reach HotSpot's C2 ("Issue 12, session 18"). */
    static final int JIT_SETTLED_SECONDS = 80;

    /**
     * A warning when the window starts before the JIT has settled: the per-frame and per-round methods,
     * called 30–50 times a second, reach C2 38–80 s after the calls join, so a shorter warm-up counts
     * their compilation and their profiled C1 code as the job's cost.
     */
    static String warmupNote(int warmupSeconds) {
        if (warmupSeconds < JIT_SETTLED_SECONDS) {
            return "**The window starts before the JIT has settled** (the room's per-frame code reaches C2 38–80 s after "
                    + "the calls join): the server's figure includes compiling it; warm up " + JIT_SETTLED_SECONDS
                    + " s or more (`WARMUP`) for the steady state. ";
        }
        return ScenarioRunner.rehearsesPli(warmupSeconds)
                ? "The recording receivers send one PLI " + ScenarioRunner.PLI_REHEARSAL_SECONDS + " s before the window, "
                + "as they do when it starts, so that the server's recompiling after its first PLI stays in the warm-up. "
                : "";
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

    /**
     * The server's per-thread CPU (cpu-s per media-s) grouped into pipeline stages by thread name.
     * Each room has a video lane (composite) and an audio lane (mix + Opus encodes); the encode pool
     * encodes the rooms' video; one decode pool decodes audio and video; the network event loops do
     * RTP in/out and SRTP.
     */
    static Map<String, Double> stages(Map<String, Double> threads) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String stage : List.of(STAGE_CLOCK, STAGE_ENCODE, STAGE_DECODE, STAGE_NETWORK, STAGE_SIP, STAGE_GC, STAGE_JIT, STAGE_OTHER)) {
            out.put(stage, 0.0);
        }
        threads.forEach((name, cpu) -> out.merge(stageOf(name), cpu, Double::sum));
        out.values().removeIf(v -> v < 0.0005);
        return out;
    }

    static final String STAGE_CLOCK = "room lanes (composite; audio mix + Opus encode)";
    static final String STAGE_ENCODE = "video encode pool (scale + H.264/VP8 encode)";
    static final String STAGE_DECODE = "decode pool (H.264 + Opus decode)";
    static final String STAGE_NETWORK = "network event loops (RTP in/out, SRTP)";
    static final String STAGE_SIP = "SIP";
    static final String STAGE_GC = "GC";
    static final String STAGE_JIT = "JIT compiler";
    static final String STAGE_OTHER = "other JVM threads";

    static String stageOf(String thread) {
        String n = thread.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("room-")) {
            return STAGE_CLOCK;
        }
        if (n.startsWith("decode-")) {
            return STAGE_DECODE;
        }
        if (n.startsWith("encode-")) {
            return STAGE_ENCODE;
        }
        if (n.startsWith("gc ") || n.startsWith("g#") || n.contains("gc thread") || n.startsWith("vm periodic")) {
            return STAGE_GC;
        }
        if (n.startsWith("c# compiler") || n.contains("compilerthre")) {
            return STAGE_JIT;
        }
        if (n.contains("sip") || n.contains("eventscanner") || n.contains("messagechann") || n.contains("timer")) {
            return STAGE_SIP;
        }
        if (n.contains("loop") || n.contains("ioev") || n.contains("netty") || n.contains("epoll") || n.contains("nio") || n.contains("media-io") || n.contains("webrtc-io")
                || n.contains("rtp")) {
            return STAGE_NETWORK;
        }
        return STAGE_OTHER;
    }

    /** " (median of 0.36–0.45, 3 runs)" when the baseline ran more than once. */
    static String spread(FfmpegBaseline.Result b) {
        List<Double> runs = b.runsCpuPerMediaSecond();
        if (runs.size() < 2) {
            return "";
        }
        double low = runs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double high = runs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return " (median of " + f(low, 3) + "–" + f(high, 3) + ", " + runs.size() + " runs)";
    }

    /** Ours against the CLI with one thread per decoder (the stronger baseline), or null. */
    private Double oneThreadRatio(ScenarioResult r) {
        return over(r, b -> !b.oneDecodeThreadRuns().isEmpty(), FfmpegBaseline.Result::oneDecodeThreadCpuPerMediaSecond);
    }

    /** Ours against the CLI fed in real time (-re: the job a live server does), or null. */
    private Double pacedRatio(ScenarioResult r) {
        return over(r, b -> !b.pacedRuns().isEmpty(), FfmpegBaseline.Result::pacedCpuPerMediaSecond);
    }

    private Double ratio(ScenarioResult r) {
        return over(r, b -> true, FfmpegBaseline.Result::cpuPerMediaSecond);
    }

    /** Ours divided by one of the CLI's figures, or null when the scenario failed or that figure was not measured. */
    private Double over(ScenarioResult r, Predicate<FfmpegBaseline.Result> measured,
                        ToDoubleFunction<FfmpegBaseline.Result> cliCpuPerMediaSecond) {
        FfmpegBaseline.Result b = baseline.get(r.scenario().name());
        return r.error() != null || b == null || !measured.test(b) ? null
                : r.serverCpuPerMediaSecond() / cliCpuPerMediaSecond.applyAsDouble(b);
    }

    private ScenarioResult find(String name) {
        return results.stream().filter(r -> r.scenario().name().equals(name) && r.error() == null).findFirst().orElse(null);
    }

    /** The command that runs this scenario alone with this run's settings. */
    String scenarioCommand(Scenario s) {
        String gpl = "libx264".equals(encoder) ? "GPL=1 " : "";
        return gpl + "SCENARIOS=" + s.name() + " WARMUP=" + warmup
                + (s.video() && "grid".equals(s.layout()) ? " BASELINE_SECONDS=" + baselineSeconds : " BASELINE_SECONDS=0")
                + " benchmarks/run-load.sh " + seconds;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("load.json"), json());
        Files.writeString(dir.resolve("load.md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# End-to-end load: ").append(when).append("\n\n")
                .append("Command: `").append(command).append("`. Machine: ").append(cores).append(" cores, ").append(cpuModel)
                .append("; load average before the run ").append(loadAverageBefore).append(".\n")
                .append("Each scenario: a fresh server process (`java -jar mcu-app.jar`), ").append(warmup)
                .append(" s warm-up after all calls are up, then ").append(seconds).append(" s measured. ")
                .append(warmupNote(warmup))
                .append("Server CPU = utime + stime of its process from /proc. Video encoder on both sides: **")
                .append(encoder).append("** (the server's own FFmpeg natives; the ffmpeg CLI is the `ffmpeg` program of ")
                .append("those natives, with the server's encoder settings, fed the same H.264 the participants send, ")
                .append(baselineSeconds).append(" s of media as fast as it can; its figure is the median of the runs, ")
                .append("as it moves by about ±15 % from run to run; alternately with it the same job ran with ")
                .append("`-threads 1` on every input, one thread per decoder as the server decodes each participant, ")
                .append("which saves the CLI its frame-threading overhead: the stronger baseline; and the same job fed in ")
                .append("real time, `-re` on every input, so that the CLI waits for its media as the server does for a live ")
                .append("conference's: the like-for-like job for a live server).\n\n");

        md.append("| scenario | server cpu-s / media-s | ffmpeg cpu-s / media-s | ours ÷ ffmpeg | ffmpeg, one thread per decoder | ours ÷ that | ffmpeg fed in real time (-re) | ours ÷ that | SSIM (Y) ours / ffmpeg | PSNR (Y) dB ours / ffmpeg | real time | command |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            if (r.error() != null) {
                md.append("| ").append(r.scenario().describe()).append(" | FAILED: ").append(r.error().replace('|', '/'))
                        .append(" |||||||||| `").append(scenarioCommand(r.scenario())).append("` |\n");
                continue;
            }
            FfmpegBaseline.Result b = baseline.get(r.scenario().name());
            Double ratio = ratio(r);
            Double oneThread = oneThreadRatio(r);
            Double paced = pacedRatio(r);
            Quality q = quality.get(r.scenario().name());
            md.append("| ").append(r.scenario().describe())
                    .append(" | **").append(f(r.serverCpuPerMediaSecond(), 3)).append("**")
                    .append(" | ").append(b == null ? "–" : f(b.cpuPerMediaSecond(), 3) + spread(b))
                    .append(" | ").append(ratio == null ? "–" : "**" + f(ratio, 2) + "x**"
                            + (r.realTime() ? "" : " (not comparable: the server fell behind real time and did less work)"))
                    .append(" | ").append(b == null || b.oneDecodeThreadRuns().isEmpty() ? "–"
                            : f(b.oneDecodeThreadCpuPerMediaSecond(), 3))
                    .append(" | ").append(oneThread == null ? "–" : f(oneThread, 2) + "x")
                    .append(" | ").append(b == null || b.pacedRuns().isEmpty() ? "–"
                            : f(b.pacedCpuPerMediaSecond(), 3) + (b.pacedKeptUp() ? "" : " (fell behind its inputs)"))
                    .append(" | ").append(paced == null ? "–" : f(paced, 2) + "x"
                            + (b.pacedKeptUp() ? "" : " (not comparable: the CLI could not keep up with real time)"))
                    .append(" | ").append(q == null ? "–" : ssim(q.ours()) + " / " + ssim(q.ffmpeg()))
                    .append(" | ").append(q == null ? "–" : psnr(q.ours()) + " / " + psnr(q.ffmpeg()))
                    .append(" | ").append(r.realTime() ? "yes" : "**no**")
                    .append(" | `").append(scenarioCommand(r.scenario())).append("` |\n");
        }
        if (baselineNote != null) {
            md.append("\n").append(baselineNote).append("\n");
        }

        md.append("\n| scenario | audio pkt/s per receiver (mean / p5) | video fps per receiver (mean / p5) | video kbit/s | loss audio / video | latency p50 / p90 / p99 ms (detected of bursts) | video latency p50 / max ms (flashes seen) | A/V skew p50 / max ms | audio-round lateness p50 / p99 / max ms | joins | bench JVM cpu-s / s | server peak RSS MiB |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            if (r.error() != null) {
                continue;
            }
            LatenessHook.Lateness late = r.lateness();
            md.append("| ").append(r.scenario().name())
                    .append(" | ").append(f(r.audioPpsMean(), 1)).append(" / ").append(f(r.audioPpsP5(), 1))
                    .append(" | ").append(r.scenario().receivesVideo() ? f(r.videoFpsMean(), 1) + " / " + f(r.videoFpsP5(), 1) : "–")
                    .append(" | ").append(r.scenario().receivesVideo() ? f(r.videoKbpsMean(), 0) : "–")
                    .append(" | ").append(f(r.audioLossPercent(), 2)).append("% / ")
                    .append(r.scenario().receivesVideo() ? f(r.videoLossPercent(), 2) + "%" : "–")
                    .append(" | ").append(f(r.latencyPercentile(50), 0)).append(" / ").append(f(r.latencyPercentile(90), 0))
                    .append(" / ").append(f(r.latencyPercentile(99), 0)).append(" (").append(r.latencies().size())
                    .append(" of ").append(r.burstsSent()).append(')')
                    .append(" | ").append(videoLatency(r))
                    .append(" | ").append(r.videoLatency() == null ? "–"
                            : f(r.videoLatency().skewPercentile(50), 0) + " / " + f(r.videoLatency().skewPercentile(100), 0))
                    .append(" | ").append(late == null ? "not exposed by the server yet"
                            : f(late.p50Millis(), 1) + " / " + f(late.p99Millis(), 1) + " / " + f(late.maxMillis(), 1))
                    .append(" | ").append(r.scenario().calls() - r.joinFailures()).append('/').append(r.scenario().calls())
                    .append(" in ").append(f(r.joinSeconds(), 1)).append(" s")
                    .append(" | ").append(f(r.benchCpuSeconds() / r.measuredSeconds(), 2))
                    .append(" | ").append(f(r.serverPeakRssMiB(), 0)).append(" |\n");
        }

        md.append("\nWhere the server's CPU goes (cpu-s per media-s, from each thread's utime + stime in /proc/<pid>/task; ")
                .append("threads grouped by name):\n\n| scenario | ");
        List<String> stageNames = List.of(STAGE_CLOCK, STAGE_ENCODE, STAGE_DECODE, STAGE_NETWORK, STAGE_SIP, STAGE_GC, STAGE_JIT, STAGE_OTHER);
        md.append(String.join(" | ", stageNames)).append(" | total |\n|---|");
        md.append("---|".repeat(stageNames.size() + 1)).append('\n');
        for (ScenarioResult r : results) {
            if (r.error() != null || r.threadCpu().isEmpty()) {
                continue;
            }
            Map<String, Double> st = stages(r.threadCpu());
            md.append("| ").append(r.scenario().name());
            for (String stage : stageNames) {
                md.append(" | ").append(f(st.getOrDefault(stage, 0.0), 3));
            }
            md.append(" | ").append(f(st.values().stream().mapToDouble(Double::doubleValue).sum(), 3)).append(" |\n");
        }
        boolean profiled = results.stream().anyMatch(r -> r.error() == null && r.stageCpu() != null);
        if (profiled) {
            md.append("\nBy stage, from a JFR profile of the same window (PROFILE=1; each thread's /proc CPU split in the ")
                    .append("shares of its busy stack samples, benchmarks/jfr-stages.py), cpu-s per media-s:\n\n");
            List<String> fine = new java.util.ArrayList<>();
            for (ScenarioResult r : results) {
                if (r.error() == null && r.stageCpu() != null) {
                    r.stageCpu().keySet().stream().filter(k -> !fine.contains(k)).forEach(fine::add);
                }
            }
            md.append("| scenario | ").append(String.join(" | ", fine)).append(" |\n|---|")
                    .append("---|".repeat(fine.size())).append('\n');
            for (ScenarioResult r : results) {
                if (r.error() == null && r.stageCpu() != null) {
                    md.append("| ").append(r.scenario().name());
                    for (String stage : fine) {
                        md.append(" | ").append(f(r.stageCpu().getOrDefault(stage, 0.0), 3));
                    }
                    md.append(" |\n");
                }
            }
        }
        md.append("\nThreads by name (cpu-s per media-s; digits shown as #, names cut at 15 characters by Linux):\n\n");
        for (ScenarioResult r : results) {
            if (r.error() != null || r.threadCpu().isEmpty()) {
                continue;
            }
            md.append("- ").append(r.scenario().name()).append(": ");
            StringBuilder items = new StringBuilder();
            r.threadCpu().entrySet().stream().filter(e -> e.getValue() >= 0.0005)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> items.append(items.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ")
                            .append(f(e.getValue(), 3)));
            md.append(items).append('\n');
        }

        md.append("\nLatency: from the talker sending the first packet of a 200 ms, 2.5 kHz tone burst to the latency probe ")
                .append("receiving the first mix packet in which the burst is detected (20 ms resolution; includes the jitter ")
                .append("buffer, playout delay, mix tick and Opus encode/decode). Video latency (grid rooms): participant 0's ")
                .append("picture flashes at the instant its burst starts; from the first flash frame sent to the arrival of the ")
                .append("first composite in which participant 1 sees its tile bright (decoded after the run). A/V skew: that ")
                .append("video latency minus the same cycle's audio latency (positive: the picture comes later). Quality: ")
                .append("5 s of the 1280x720 video participant 1 receives, from its 140th frame after the keyframe its PLI ")
                .append("asked for, and the same frames of ffmpeg's encoded canvas after its first keyframe, with every participant ")
                .append("in the tile the server showed it in and each tile as many frames ahead as the server's was (the rate control's ")
                .append("few seconds of paying back a keyframe are left out: they measure the encoder's history, see ")
                .append("docs/benchmarks.md); every grid tile against its source picture scaled to the tile with bilinear swscale, ")
                .append("aligned to the loop frame it shows (benchmarks/quality.py), by ffmpeg's ssim and psnr filters. ")
                .append("Real time: the 5th-percentile receiver got ≥ 95% of 50 audio packets/s (and of 30 video frames/s).\n\n");
        md.append(targets());
        return md.toString();
    }

    /** A CPU target met: within the limit, in real time, and (video16) received no worse than the CLI's picture. */
    private static boolean within(double ratio, double limit, ScenarioResult r, String name, boolean qualityOk) {
        return ratio <= limit && r.realTime() && (name.equals("video4") || qualityOk);
    }

    private String targets() {
        StringBuilder md = new StringBuilder("Targets (issue 12):\n\n");
        for (String name : List.of("video16", "video4")) {
            double limit = name.equals("video16") ? 0.85 : 1.0;
            ScenarioResult r = find(name);
            Double ratio = r == null ? null : ratio(r);
            Quality q = quality.get(name);
            boolean qualityOk = q != null && q.ours() != null && q.ffmpeg() != null && q.ours().ssim() >= q.ffmpeg().ssim();
            md.append("- ").append(name).append(" ≤ ").append(f(limit, 2)).append("x ffmpeg's CPU, same encoder")
                    .append(name.equals("video16") ? ", SSIM equal or better" : "").append(": ")
                    .append(ratio == null ? "not measured" : f(ratio, 2) + "x"
                            + (q == null ? "" : ", SSIM " + ssim(q.ours()) + " vs " + ssim(q.ffmpeg()))
                            + " — " + (within(ratio, limit, r, name, qualityOk) ? "**met**"
                            : r.realTime() ? "**not met**" : "**not comparable** (not real time: the machine was too busy)"))
                    .append('\n');
            Double paced = r == null ? null : pacedRatio(r);
            if (paced != null) {
                boolean keptUp = baseline.get(name).pacedKeptUp();
                md.append("  - the same limit against the CLI fed in real time (`-re`): ").append(f(paced, 2)).append("x — ")
                        .append(!keptUp ? "**not comparable** (the paced CLI fell behind its inputs)"
                                : within(paced, limit, r, name, qualityOk) ? "**met**" : "**not met**")
                        .append('\n');
            }
        }
        for (String name : List.of("video64", "video64speaker")) {
            ScenarioResult r = find(name);
            md.append("- ").append(name).append(" in real time on ").append(cores).append(" cores: ")
                    .append(r == null ? "not measured" : (r.realTime() ? "**met**" : "**not met**") + " (video fps p5 "
                            + f(r.videoFpsP5(), 1) + ", audio pkt/s p5 " + f(r.audioPpsP5(), 1) + ", server "
                            + f(r.serverCpuPerMediaSecond(), 2) + " cpu-s/s)").append('\n');
        }
        ScenarioResult talk = find("talk1000");
        md.append("- talk1000 in real time on ≤ 1 core: ").append(talk == null ? "not measured"
                : (talk.realTime() && talk.serverCpuPerMediaSecond() <= 1.0 ? "**met**" : "**not met**") + " (server "
                + f(talk.serverCpuPerMediaSecond(), 2) + " cpu-s/s, audio pkt/s p5 " + f(talk.audioPpsP5(), 1)
                + ", latency p50 " + f(talk.latencyPercentile(50), 0) + " ms)").append('\n');
        ScenarioResult v16 = find("video16");
        for (String name : List.of("video4", "video16")) {
            ScenarioResult r = find(name);
            VideoLatencyProbe.Result v = r == null ? null : r.videoLatency();
            md.append("- ").append(name).append(" video added latency ≤ 70 ms p50 and A/V skew ≤ 40 ms: ")
                    .append(v == null || v.videoMillis().isEmpty() ? "not measured"
                            : f(v.videoPercentile(50), 0) + " ms p50, skew " + f(v.skewPercentile(50), 0) + " ms p50 (max |skew| "
                            + f(Math.max(Math.abs(v.skewPercentile(0)), Math.abs(v.skewPercentile(100))), 0) + " ms) — "
                            + (!r.realTime() ? "**not comparable** (not real time: a starved server composites fewer frames)"
                            : v.videoPercentile(50) <= 70 && Math.abs(v.skewPercentile(50)) <= 40 ? "**met**" : "**not met**"))
                    .append('\n');
        }
        md.append("- audio-round lateness p99 ≤ 5 ms under video16: ").append(v16 == null ? "not measured"
                : v16.lateness() == null ? "not measured (no lateness lines in the server log; LatenessHook)"
                : f(v16.lateness().p99Millis(), 1) + " ms — " + (v16.lateness().p99Millis() <= 5 ? "**met**" : "**not met**"))
                .append('\n');
        return md.toString();
    }

    private static String videoLatency(ScenarioResult r) {
        VideoLatencyProbe.Result v = r.videoLatency();
        return v == null ? "–" : f(v.videoPercentile(50), 0) + " / " + f(v.videoPercentile(100), 0)
                + " (" + v.videoMillis().size() + " of " + v.flashesSent() + ")";
    }

    private static String ssim(Quality.Measure m) {
        return m == null ? "n/a" : f(m.ssim(), 4);
    }

    private static String psnr(Quality.Measure m) {
        return m == null ? "n/a" : f(m.psnr(), 2);
    }

    String json() {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"when\": \"").append(when).append("\",\n")
                .append("  \"command\": ").append(quote(command)).append(",\n")
                .append("  \"machine\": {\"cores\": ").append(cores).append(", \"cpu\": ").append(quote(cpuModel))
                .append(", \"loadAverageBefore\": ").append(quote(loadAverageBefore)).append("},\n")
                .append("  \"measureSeconds\": ").append(seconds).append(", \"warmupSeconds\": ").append(warmup)
                .append(", \"baselineSeconds\": ").append(baselineSeconds).append(",\n")
                .append("  \"serverEncoder\": ").append(quote(encoder)).append(",\n")
                .append("  \"baselineNote\": ").append(baselineNote == null ? "null" : quote(baselineNote)).append(",\n")
                .append("  \"scenarios\": [\n");
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            FfmpegBaseline.Result b = baseline.get(r.scenario().name());
            Double ratio = ratio(r);
            Double paced = pacedRatio(r);
            Double oneThread = oneThreadRatio(r);
            Quality q = quality.get(r.scenario().name());
            j.append("    {\"name\": ").append(quote(r.scenario().name()))
                    .append(", \"description\": ").append(quote(r.scenario().describe()))
                    .append(", \"command\": ").append(quote(scenarioCommand(r.scenario())))
                    .append(", \"error\": ").append(r.error() == null ? "null" : quote(r.error()))
                    .append(", \"measuredSeconds\": ").append(num(r.measuredSeconds()))
                    .append(", \"serverCpuSeconds\": ").append(num(r.serverCpuSeconds()))
                    .append(", \"serverCpuPerMediaSecond\": ").append(num(r.serverCpuPerMediaSecond()))
                    .append(", \"ffmpegCpuPerMediaSecond\": ").append(b == null ? "null" : num(b.cpuPerMediaSecond()))
                    .append(", \"ffmpegCpuPerMediaSecondRuns\": ").append(b == null ? "null"
                            : b.runsCpuPerMediaSecond().stream().map(Report::num).toList().toString())
                    .append(", \"ffmpegOneDecodeThreadCpuPerMediaSecond\": ").append(b == null || b.oneDecodeThreadRuns().isEmpty()
                            ? "null" : num(b.oneDecodeThreadCpuPerMediaSecond()))
                    .append(", \"ffmpegOneDecodeThreadRuns\": ").append(b == null ? "null"
                            : b.oneDecodeThreadRuns().stream().map(Report::num).toList().toString())
                    .append(", \"oursOverFfmpegOneDecodeThread\": ").append(oneThread == null ? "null" : num(oneThread))
                    .append(", \"ffmpegOneDecodeThreadCommand\": ").append(b == null ? "null" : quote(b.oneDecodeThreadCommand()))
                    .append(", \"ffmpegPacedCpuPerMediaSecond\": ").append(b == null || b.pacedRuns().isEmpty()
                            ? "null" : num(b.pacedCpuPerMediaSecond()))
                    .append(", \"ffmpegPacedRuns\": ").append(b == null ? "null"
                            : b.pacedRuns().stream().map(Report::num).toList().toString())
                    .append(", \"ffmpegPacedWallSeconds\": ").append(b == null ? "null"
                            : b.pacedWallSeconds().stream().map(Report::num).toList().toString())
                    .append(", \"ffmpegPacedKeptUp\": ").append(b == null || b.pacedRuns().isEmpty() ? "null" : b.pacedKeptUp())
                    .append(", \"oursOverFfmpegPaced\": ").append(paced == null ? "null" : num(paced))
                    .append(", \"ffmpegPacedCommand\": ").append(b == null ? "null" : quote(b.pacedCommand()))
                    .append(", \"ffmpegCommand\": ").append(b == null ? "null" : quote(b.command()))
                    .append(", \"oursOverFfmpeg\": ").append(ratio == null ? "null" : num(ratio))
                    .append(", \"quality\": ").append(q == null ? "null" : "{\"ours\": " + measure(q.ours())
                            + ", \"ffmpeg\": " + measure(q.ffmpeg()) + "}")
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
                    .append(", \"videoLatencyMillis\": ").append(r.videoLatency() == null ? "null"
                            : "{\"n\": " + r.videoLatency().videoMillis().size() + ", \"flashesSent\": " + r.videoLatency().flashesSent()
                            + ", \"p50\": " + num(r.videoLatency().videoPercentile(50))
                            + ", \"max\": " + num(r.videoLatency().videoPercentile(100))
                            + ", \"skewP50\": " + num(r.videoLatency().skewPercentile(50))
                            + ", \"skewMin\": " + num(r.videoLatency().skewPercentile(0))
                            + ", \"skewMax\": " + num(r.videoLatency().skewPercentile(100)) + "}")
                    .append(", \"audioRoundLatenessMillis\": ").append(r.lateness() == null ? "null"
                            : "{\"p50\": " + num(r.lateness().p50Millis()) + ", \"p99\": " + num(r.lateness().p99Millis())
                            + ", \"max\": " + num(r.lateness().maxMillis()) + "}")
                    .append(", \"breakdown\": ").append(map(r.stageCpu() != null ? r.stageCpu()
                            : r.threadCpu() == null ? Map.of() : stages(r.threadCpu())))
                    .append(", \"threads\": ").append(map(r.threadCpu() == null ? Map.of() : r.threadCpu()))
                    .append(", \"realTime\": ").append(r.realTime()).append('}')
                    .append(i + 1 < results.size() ? ",\n" : "\n");
        }
        j.append("  ]\n}\n");
        return j.toString();
    }

    private static String measure(Quality.Measure m) {
        return m == null ? "null" : "{\"ssim\": " + num(m.ssim()) + ", \"ssimAll\": " + num(m.ssimAll())
                + ", \"psnr\": " + num(m.psnr()) + ", \"psnrAll\": " + num(m.psnrAll())
                + ", \"frames\": " + m.frames() + ", \"tiles\": " + m.tiles()
                + ", \"unevenSteps\": " + num(m.unevenSteps()) + "}";
    }

    private static String map(Map<String, Double> values) {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> out.append(out.length() == 1 ? "" : ", ").append(quote(k)).append(": ").append(num(v)));
        return out.append('}').toString();
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

    /** The 1, 5 and 15 minute load averages now: taken before the first scenario, as the report is written after the last. */
    static String loadAverageNow() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
