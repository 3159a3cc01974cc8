package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the ffmpeg CLI costs for the MCU's core job, the same commands as
 * /work/shared/bench/ffmpeg-mix-baseline.sh: decode N 640x360@30 H.264 inputs (each with an Opus
 * tone), scale them into a 1280x720 grid (xstack), mix the N audio inputs (amix), encode the grid
 * once with libx264 veryfast/zerolatency (one thread) and the mix once with Opus, as fast as it can
 * ({@code -f null}). CPU is user + system time from {@code /usr/bin/time}.
 *
 * <p>Threads: the main thread. Inputs are cached in {@code dir} across runs.
 */
final class FfmpegBaseline {
    static final String VIDEO_CODEC = "libx264 (preset veryfast, tune zerolatency, 1 thread, 1500 kbit/s)";

    record Result(int participants, double mediaSeconds, double wallSeconds, double cpuSeconds) {
        double cpuPerMediaSecond() {
            return cpuSeconds / mediaSeconds;
        }
    }

    private FfmpegBaseline() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/time")) && onPath("ffmpeg");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static Result run(Path dir, int seconds, int n) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path input = dir.resolve("in" + i + ".mkv");
            if (Files.exists(input) && Files.size(input) > 0) {
                continue;
            }
            exec(dir, List.of("ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30,hue=h=" + (i * 22),
                    "-f", "lavfi", "-i", "sine=frequency=" + (300 + i * 97) + ":sample_rate=48000",
                    "-t", Integer.toString(seconds),
                    "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-tune", "zerolatency",
                    "-g", "60", "-b:v", "600k", "-c:a", "libopus", "-b:a", "32k", "-ac", "1", input.getFileName().toString()));
        }
        int cols = (int) Math.ceil(Math.sqrt(n));
        int tileW = 1280 / cols / 2 * 2;
        int tileH = 720 / cols / 2 * 2;
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S", "-o", "time.txt",
                "ffmpeg", "-v", "error", "-y"));
        StringBuilder graph = new StringBuilder();
        StringBuilder videos = new StringBuilder();
        StringBuilder audios = new StringBuilder();
        StringBuilder layout = new StringBuilder();
        for (int i = 0; i < n; i++) {
            command.add("-i");
            command.add("in" + i + ".mkv");
            graph.append('[').append(i).append(":v]scale=").append(tileW).append(':').append(tileH)
                    .append(":flags=fast_bilinear[v").append(i).append("];");
            videos.append("[v").append(i).append(']');
            audios.append('[').append(i).append(":a]");
            layout.append(layout.length() == 0 ? "" : "|").append((i % cols) * tileW).append('_').append((i / cols) * tileH);
        }
        graph.append(videos).append("xstack=inputs=").append(n).append(":layout=").append(layout)
                .append(":fill=black[v];").append(audios).append("amix=inputs=").append(n).append(":normalize=0[a]");
        command.addAll(List.of("-filter_complex", graph.toString(),
                "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-b:v", "1500k",
                "-threads", "1", "-map", "[a]", "-c:a", "libopus", "-b:a", "48k", "-f", "null", "-"));
        exec(dir, command);
        String[] times = Files.readString(dir.resolve("time.txt")).trim().split("\\s+");
        double wall = Double.parseDouble(times[times.length - 3]);
        double cpu = Double.parseDouble(times[times.length - 2]) + Double.parseDouble(times[times.length - 1]);
        return new Result(n, seconds, wall, cpu);
    }

    private static void exec(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IOException("ffmpeg took more than 10 minutes: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IOException("ffmpeg failed (" + p.exitValue() + "), see " + dir.resolve("ffmpeg.log"));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
