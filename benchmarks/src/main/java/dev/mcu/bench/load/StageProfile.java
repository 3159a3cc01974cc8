package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-stage CPU of the server over the measured window, finer than thread names allow: a JFR
 * recording (started and stopped with {@code jcmd} around the window, settings=profile) gives each
 * thread's busy stack samples by stage ({@code benchmarks/jfr-stages.py}), and each thread's CPU
 * from /proc is split in those shares. Threads without samples (GC, JIT) keep their /proc figure.
 * Opt-in ({@code PROFILE=1}): the recording costs the server a little CPU.
 *
 * <p>Threads: the main thread.
 */
final class StageProfile {
    private static final Pattern THREAD = Pattern.compile("\"([^\"]+)\": \\{\"samples\": (\\d+), \"stages\": \\{([^}]*)\\}");
    private static final Pattern SHARE = Pattern.compile("\"([^\"]+)\": ([0-9.]+)");

    private StageProfile() {
    }

    static void start(long pid) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=stages", "settings=profile");
    }

    static Path stop(long pid, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=stages", "filename=" + file.toAbsolutePath());
        return file;
    }

    /** cpu-s per media-s by stage: {@code threadCpu} (by /proc name) split by the recording's shares. */
    static Map<String, Double> split(Path recording, Map<String, Double> threadCpu) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("PYTHON", "/usr/bin/python3");
        Process p = new ProcessBuilder(List.of(python, "benchmarks/jfr-stages.py", recording.toString()))
                .redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("jfr-stages.py failed: " + json.strip());
        }
        // per /proc thread name: samples by stage, summed over the JFR threads of that name
        Map<String, Map<String, Double>> samplesByName = new LinkedHashMap<>();
        Matcher t = THREAD.matcher(json);
        while (t.find()) {
            String procName = procName(t.group(1));
            double samples = Double.parseDouble(t.group(2));
            Matcher s = SHARE.matcher(t.group(3));
            while (s.find()) {
                samplesByName.computeIfAbsent(procName, k -> new LinkedHashMap<>())
                        .merge(s.group(1), samples * Double.parseDouble(s.group(2)), Double::sum);
            }
        }
        Map<String, Double> stages = new LinkedHashMap<>();
        threadCpu.forEach((name, cpu) -> {
            String coarse = Report.stageOf(name);
            Map<String, Double> samples = samplesByName.get(name);
            if (samples == null || coarse.equals(Report.STAGE_GC) || coarse.equals(Report.STAGE_JIT)) {
                stages.merge(coarse, cpu, Double::sum);
                return;
            }
            double total = samples.values().stream().mapToDouble(Double::doubleValue).sum();
            samples.forEach((stage, n) -> stages.merge(stage, cpu * n / total, Double::sum));
        });
        stages.values().removeIf(v -> v < 0.0005);
        return stages;
    }

    /** How Linux names a Java thread in /proc (15 characters), with digits as ServerProcess groups them. */
    static String procName(String javaName) {
        String cut = javaName.length() > 15 ? javaName.substring(0, 15) : javaName;
        return cut.replaceAll("[0-9]+", "#");
    }

    private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("jcmd", Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }
}
