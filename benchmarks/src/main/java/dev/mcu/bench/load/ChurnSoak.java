package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Churn soak: the MCU server as its own process, one room with a steady number of synthetic SIP
 * participants (alternately audio+H.264 video and audio-only talkers, all sending media), of which
 * the oldest leaves (BYE) and a new one joins (INVITE, media) every {@code --churn-millis}. Every
 * {@code --sample-seconds} it records, for the server process: live heap after a full GC (jcmd
 * GC.class_histogram), resident memory outside the committed heap (VmRSS minus the heap; FFmpeg,
 * Netty and thread stacks live there), threads and open file descriptors. At the end it writes a CSV
 * and an SVG plot, and judges flatness: the last quarter of samples against the second (the first is
 * warm-up: JIT, pools and caches filling).
 *
 * <pre>
 * ChurnSoak [--minutes 15] [--churn-millis 250] [--room-size 6] [--sample-seconds 10]
 *           [--jar mcu-app/target/mcu-app.jar] [--out benchmarks/results] [--work benchmarks/target/soak]
 * </pre>
 * Exits 1 when a resource grew beyond its allowance ({@link #judge}), 2 on a failed run.
 *
 * <p>Threads: the main thread drives everything; media moves on {@link MediaPump}'s two threads.
 */
public final class ChurnSoak {
    /** Growth allowed between the second and the last quarter of the run. */
    static final double HEAP_ALLOWANCE_MIB = 16;
    static final double NATIVE_ALLOWANCE_MIB = 48;
    static final int THREAD_ALLOWANCE = 4;
    static final int FD_ALLOWANCE = 8;

    /**
     * A fixed, pre-touched heap: then resident memory minus the heap is what lives outside it, instead
     * of moving each time G1 gives heap back or takes more.
     */
    static final List<String> SERVER_JVM = List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch");

    record Sample(double seconds, long cycles, double heapMiB, double heapCommittedMiB, double rssMiB,
                  double nativeMiB, int threads, int fds) {
    }

    private ChurnSoak() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "minutes", "15",
                "churn-millis", "250",
                "room-size", "6",
                "sample-seconds", "10",
                "jar", "mcu-app/target/mcu-app.jar",
                "out", "benchmarks/results",
                "work", "benchmarks/target/soak"));
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (!options.containsKey(key) || i + 1 >= args.length) {
                System.err.println("usage: ChurnSoak " + String.join(" ", options.keySet().stream()
                        .map(k -> "[--" + k + " V]").toList()));
                System.exit(2);
            }
            options.put(key, args[++i]);
        }
        List<Sample> samples;
        try {
            samples = run(Path.of(options.get("jar")), Path.of(options.get("work")),
                    Double.parseDouble(options.get("minutes")), Integer.parseInt(options.get("churn-millis")),
                    Integer.parseInt(options.get("room-size")), Integer.parseInt(options.get("sample-seconds")));
        } catch (Exception e) {
            ScenarioRunner.log("churn soak failed: %s", e);
            System.exit(2);
            return;
        }
        Path out = Path.of(options.get("out"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("churn-soak.csv"), csv(samples));
        Files.writeString(out.resolve("churn-soak.svg"), ChurnPlot.svg(samples));
        List<String> problems = judge(samples);
        ScenarioRunner.log("wrote %s and %s", out.resolve("churn-soak.csv"), out.resolve("churn-soak.svg"));
        if (!problems.isEmpty()) {
            problems.forEach(p -> ScenarioRunner.log("NOT FLAT: %s", p));
            System.exit(1);
        }
        ScenarioRunner.log("flat: heap, memory outside the heap, threads and file descriptors");
    }

    /** Runs the soak and returns its samples (the first taken once the room is full). */
    static List<Sample> run(Path jar, Path work, double minutes, int churnMillis, int roomSize, int sampleSeconds)
            throws Exception {
        ScenarioRunner.log("encoding the media the participants replay");
        List<MediaLibrary.VideoLoop> loops = List.of(MediaLibrary.encodeVideo(0), MediaLibrary.encodeVideo(1));
        List<MediaLibrary.AudioLoop> tones = List.of(MediaLibrary.encodeTone(0), MediaLibrary.encodeTone(1));
        List<Sample> samples = new ArrayList<>();
        Deque<Member> room = new ArrayDeque<>();
        try (ServerProcess server = ServerProcess.start(jar, work, "soak", List.of(), SERVER_JVM);
             RawSipUac uac = new RawSipUac(server.sipPort());
             MediaPump pump = new MediaPump()) {
            long joined = 0;
            try {
                for (int i = 0; i < roomSize; i++) {
                    room.addLast(join(uac, pump, joined++, loops, tones));
                }
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                long nextChurn = start;
                long nextSample = start;
                long cycles = 0;
                ScenarioRunner.log("soak: %d in the room, one leaves and one joins every %d ms for %.1f min",
                        roomSize, churnMillis, minutes);
                while (System.nanoTime() < end) {
                    if (!server.isAlive()) {
                        throw new IOException("the server died after " + cycles + " join/leave cycles");
                    }
                    long now = System.nanoTime();
                    if (now >= nextSample) {
                        Sample s = sample(server.pid(), (now - start) / 1e9, cycles);
                        samples.add(s);
                        ScenarioRunner.log("%6.0f s  %5d cycles  heap %6.1f MiB  outside heap %6.1f MiB  threads %3d"
                                + "  fds %4d", s.seconds(), cycles, s.heapMiB(), s.nativeMiB(), s.threads(), s.fds());
                        nextSample += sampleSeconds * 1_000_000_000L;
                    }
                    if (System.nanoTime() >= nextChurn) {
                        leave(room.pollFirst(), pump);
                        room.addLast(join(uac, pump, joined++, loops, tones));
                        cycles++;
                        nextChurn += churnMillis * 1_000_000L;
                    }
                    Thread.sleep(Math.max(1, Math.min(nextChurn, nextSample) - System.nanoTime()) / 1_000_000
                            + 1);
                }
                samples.add(sample(server.pid(), (System.nanoTime() - start) / 1e9, cycles));
                return samples;
            } finally {
                for (Member m : room) {
                    try {
                        leave(m, pump);
                    } catch (IOException | RuntimeException e) {
                        ScenarioRunner.log("%s did not leave cleanly: %s", m.participant().name, e);
                    }
                }
            }
        }
    }

    /** One participant in the room: its call and its sockets. */
    private record Member(LoadParticipant participant, RawSipUac.Call call) {
    }

    private static Member join(RawSipUac uac, MediaPump pump, long n, List<MediaLibrary.VideoLoop> loops,
                               List<MediaLibrary.AudioLoop> tones) throws Exception {
        boolean video = n % 2 == 0;
        LoadParticipant p = new LoadParticipant((video ? "video" : "talker") + n,
                video ? LoadParticipant.Role.VIDEO : LoadParticipant.Role.TALKER, tones.get((int) (n / 2 % 2)),
                video ? loops.get((int) (n / 2 % 2)) : null, false, false, false);
        try {
            RawSipUac.Call call = uac.invite("soak", p.name, p.offer());
            p.start(call.answerSdp);
            pump.add(p);
            return new Member(p, call);
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    private static void leave(Member m, MediaPump pump) throws IOException, InterruptedException {
        if (m == null) {
            return;
        }
        pump.remove(m.participant());
        try {
            if (!m.call().bye(3000)) {
                throw new IOException(m.participant().name + ": BYE was not answered");
            }
        } finally {
            m.participant().close();
        }
    }

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern LIVE = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    static Sample sample(long pid, double seconds, long cycles) throws IOException, InterruptedException {
        // The class histogram runs a full GC and sums what survived, in one step: a separate GC.run and
        // GC.heap_info would count whatever the media threads allocated in between.
        Matcher live = LIVE.matcher(jcmd(pid, "GC.class_histogram"));
        Matcher heap = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        if (!live.find() || !heap.find()) {
            throw new IOException("jcmd GC.class_histogram / GC.heap_info of " + pid + " did not say the heap's size");
        }
        double committed = Long.parseLong(heap.group(1)) / 1024.0;
        double used = Long.parseLong(live.group(1)) / (1024.0 * 1024.0);
        double rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        int fds;
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) entries.count();
        }
        return new Sample(seconds, cycles, used, committed, rss, rss - committed, threads, fds);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jcmd = java.endsWith("/java") ? java.substring(0, java.length() - 4) + "jcmd" : "jcmd";
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    /** What grew between the second quarter of the samples and the last, beyond its allowance. */
    static List<String> judge(List<Sample> samples) {
        return judge(samples, true);
    }

    /**
     * As {@link #judge(List)}; {@code includingNative} false leaves out resident memory outside the
     * heap (see docs/robustness.md: it still grows during the first few thousand cycles).
     */
    static List<String> judge(List<Sample> samples, boolean includingNative) {
        List<String> problems = new ArrayList<>();
        if (samples.size() < 8) {
            problems.add("only " + samples.size() + " samples: run longer or sample more often");
            return problems;
        }
        int q = samples.size() / 4;
        List<Sample> early = samples.subList(q, 2 * q);
        List<Sample> late = samples.subList(samples.size() - q, samples.size());
        check(problems, "heap after GC (MiB)", median(early, Sample::heapMiB), median(late, Sample::heapMiB),
                HEAP_ALLOWANCE_MIB);
        if (includingNative) {
            check(problems, "resident memory outside the heap (MiB)", median(early, Sample::nativeMiB),
                    median(late, Sample::nativeMiB), NATIVE_ALLOWANCE_MIB);
        }
        check(problems, "threads", max(early, Sample::threads), max(late, Sample::threads), THREAD_ALLOWANCE);
        check(problems, "file descriptors", max(early, Sample::fds), max(late, Sample::fds), FD_ALLOWANCE);
        return problems;
    }

    private static void check(List<String> problems, String what, double early, double late, double allowance) {
        if (late - early > allowance) {
            problems.add(String.format(Locale.ROOT, "%s grew from %.1f to %.1f (allowed: +%.0f)", what, early, late,
                    allowance));
        }
    }

    /** The median: one sample taken while a burst of joins was still being collected must not decide. */
    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    private static double max(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        return samples.stream().mapToDouble(value).max().orElse(0);
    }

    static String csv(List<Sample> samples) {
        StringBuilder out = new StringBuilder("seconds,cycles,heap_used_mib,heap_committed_mib,rss_mib,"
                + "outside_heap_mib,threads,fds\n");
        for (Sample s : samples) {
            out.append(String.format(Locale.ROOT, "%.1f,%d,%.1f,%.1f,%.1f,%.1f,%d,%d%n", s.seconds(), s.cycles(),
                    s.heapMiB(), s.heapCommittedMiB(), s.rssMiB(), s.nativeMiB(), s.threads(), s.fds()));
        }
        return out.toString();
    }
}
