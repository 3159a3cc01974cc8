package dev.mcu.bench.load;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the ffmpeg CLI costs for the MCU's core job, done like the server does it: the ffmpeg
 * program of the server's own FFmpeg natives (org.bytedeco:ffmpeg, so the same FFmpeg version,
 * and OpenH264 in the LGPL build, libx264 under {@code -Pgpl}), fed the very H.264 the load
 * participants send (each with an Opus tone); it decodes the N inputs, scales each into its grid
 * tile aspect-fit with bilinear swscale as the compositor does (tile rectangles from the server's
 * own {@link Layouts}, each participant in the tile the server showed it in when that is known), mixes the audio (amix), and encodes the canvas once with the server's
 * encoder and settings ({@link #videoEncoderArgs}) and the mix once with Opus, as fast as it can.
 * CPU is user + system time from {@code /usr/bin/time}. The encoded canvas is kept for the
 * quality measurement. The job runs several times and the median run counts; alternately with it, the
 * same job with one thread per decoder (the stronger baseline: no frame-threading overhead), and the
 * same job fed in real time ({@code -re} on every input), as a live conference feeds the server: each
 * thread then waits between frames and comes back to caches other work has used, which a job run as
 * fast as it can never does.
 *
 * <p>Threads: the main thread. Its inputs are made anew in {@code dir} each run.
 */
final class FfmpegBaseline {
    static final int CANVAS_WIDTH = 1280;
    static final int CANVAS_HEIGHT = 720;

    /**
     * @param cpuSeconds the median of the runs' CPU seconds (the CLI as a user runs it: each H.264
     *                   decoder with FFmpeg's default threads, here frame threads over both cores)
     * @param runsCpuPerMediaSecond every run's CPU per media second, in the order they ran
     * @param oneDecodeThreadRuns the same job with {@code -threads 1} on every input, as the server
     *                            decodes each participant on one thread: less threading overhead
     * @param pacedRuns the same job (default threads) with {@code -re} on every input: the inputs read in
     *                  real time, as a live conference's media arrives at the server
     * @param pacedWallSeconds the paced runs' wall seconds: more than the media's when the CLI fell behind
     */
    record Result(int participants, double mediaSeconds, double wallSeconds, double cpuSeconds, Path output,
                  String command, List<Double> runsCpuPerMediaSecond, List<Double> oneDecodeThreadRuns,
                  String oneDecodeThreadCommand, List<Double> pacedRuns, List<Double> pacedWallSeconds,
                  String pacedCommand) {
        double cpuPerMediaSecond() {
            return cpuSeconds / mediaSeconds;
        }

        /** The median of the one-decode-thread runs (the lower middle of an even count), or NaN without any. */
        double oneDecodeThreadCpuPerMediaSecond() {
            return median(oneDecodeThreadRuns);
        }

        /** The median of the paced runs (the lower middle of an even count), or NaN without any. */
        double pacedCpuPerMediaSecond() {
            return median(pacedRuns);
        }

        /** Whether every paced run kept up with its inputs (within 5 %: ffmpeg starts and stops around them). */
        boolean pacedKeptUp() {
            return pacedWallSeconds.stream().allMatch(w -> w <= mediaSeconds * 1.05 + 1);
        }

        private static double median(List<Double> runs) {
            if (runs.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = runs.stream().sorted().toList();
            return sorted.get((sorted.size() - 1) / 2);
        }
    }

    /** Where a participant's picture sits in its tile: aspect-fit and centred, all even (as TileScaler.fit). */
    record Picture(int x, int y, int width, int height) {
    }

    private FfmpegBaseline() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/time")) && ffmpeg() != null;
    }

    /** The ffmpeg program shipped with the server's FFmpeg natives, unpacked by JavaCPP; null if missing. */
    static String ffmpeg() {
        try {
            return org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** The server's encoder settings (VideoEncoderSettings) as ffmpeg options, at the server's default 1500 kbit/s, GOP 10 s. */
    static List<String> videoEncoderArgs(String encoder) {
        List<String> rate = List.of("-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "1500k", "-g", "300", "-bf", "0",
                "-threads", "1");
        List<String> args = new ArrayList<>(List.of("-c:v", encoder));
        args.addAll(rate);
        switch (encoder) {
            case "libx264" -> args.addAll(List.of("-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "baseline",
                    "-forced-idr", "1", "-x264-params", "repeat-headers=1:scenecut=0"));
            case "libopenh264" -> args.addAll(List.of("-profile:v", "constrained_baseline", "-rc_mode", "bitrate",
                    "-allow_skip_frames", "0"));
            default -> throw new IllegalArgumentException("no baseline settings for " + encoder);
        }
        return args;
    }

    /** The picture rectangles of a grid of {@code n} 640x360 sources on the server's canvas. */
    static List<Picture> gridPictures(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("p" + i);
        }
        Layout layout = Layouts.compute(LayoutSpec.grid(), CANVAS_WIDTH, CANVAS_HEIGHT, ids);
        List<Picture> out = new ArrayList<>();
        for (String id : ids) {
            out.add(fit(layout.tileOf(id), MediaLibrary.VIDEO_WIDTH, MediaLibrary.VIDEO_HEIGHT));
        }
        return out;
    }

    private static Picture fit(Tile t, int srcWidth, int srcHeight) {
        int w;
        int h;
        if ((long) srcWidth * t.height() >= (long) t.width() * srcHeight) {
            w = t.width();
            h = clampEven(Math.round((double) t.width() * srcHeight / srcWidth), t.height());
        } else {
            h = t.height();
            w = clampEven(Math.round((double) t.height() * srcWidth / srcHeight), t.width());
        }
        return new Picture(t.x() + (((t.width() - w) / 2) & ~1), t.y() + (((t.height() - h) / 2) & ~1), w, h);
    }

    private static int clampEven(long value, int max) {
        return (int) Math.max(2, Math.min(max, value & ~1L));
    }

    /**
     * @param arrangement where the server put everyone (read from what a participant received), or
     *                  null for participant i in tile i, every tile in step. Which participant sits
     *                  next to which, and which tiles run a frame behind their neighbours, change
     *                  what the encoder has to do, so the baseline encodes the server's arrangement.
     * @param runs how many times to run the same job: the CLI's CPU figure for one job moves by ±15 %
     *             from run to run on a quiet machine, so the result is the median run
     */
    static Result run(Path dir, int seconds, int n, String encoder, Quality.Arrangement arrangement, int runs)
            throws IOException, InterruptedException {
        int[] placement = arrangement == null ? null : arrangement.placement();
        if (runs < 1) {
            throw new IllegalArgumentException("at least one baseline run, got " + runs);
        }
        if (placement != null && placement.length != n) {
            throw new IllegalArgumentException("placement of " + placement.length + " tiles for " + n + " participants");
        }
        String ffmpeg = ffmpeg();
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path input = dir.resolve("in" + i + "-" + seconds + "s.mkv");
            // the participant's own H.264 loop repeated (copied, not re-encoded; each loop starts with an IDR)
            // and an Opus tone like its own
            Path repeated = dir.resolve("in" + i + "-" + seconds + "s.h264");
            byte[] loop = Files.readAllBytes(dir.resolve("in" + i + ".h264"));
            int loops = (seconds * MediaLibrary.VIDEO_FPS + MediaLibrary.VIDEO_LOOP_FRAMES - 1) / MediaLibrary.VIDEO_LOOP_FRAMES;
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(repeated))) {
                for (int k = 0; k < loops; k++) {
                    out.write(loop);
                }
            }
            exec(dir, List.of(ffmpeg, "-v", "error", "-y",
                    "-framerate", Integer.toString(MediaLibrary.VIDEO_FPS), "-f", "h264", "-i", repeated.getFileName().toString(),
                    "-f", "lavfi", "-i", "sine=frequency=" + (int) MediaLibrary.toneHz(i) + ":sample_rate=48000",
                    "-t", Integer.toString(seconds), "-map", "0:v", "-map", "1:a",
                    // the raw H.264 demuxer's timestamps stop at the first IDR that restarts the picture order: number the frames
                    "-c:v", "copy", "-bsf:v", "setts=ts=N/(" + MediaLibrary.VIDEO_FPS + "*TB)", "-c:a", "libopus", "-b:a", "32k", "-ac", "1",
                    // strictly interleaved: by default the muxer let the copied video run up to 10 s ahead of the
                    // encoded audio, and a job reading the file in real time (-re) then waited ~9 s per input
                    // for its first audio before it could mix
                    "-max_interleave_delta", "0", input.getFileName().toString()), "prepare");
            Files.delete(repeated);
        }
        String graph = filterGraph(gridPictures(n), placement, arrangement == null ? null : arrangement.phases());
        String output = "baseline-" + n + "-" + encoder + ".h264";
        List<String> command = command(ffmpeg, n, seconds, graph, encoder, output, Variant.AS_FAST_AS_IT_CAN);
        // the same job with every decoder on one thread, as the server decodes each participant, and the
        // same job fed in real time; their outputs are the same picture, written aside
        String oneThreadOutput = "baseline-" + n + "-" + encoder + "-decode1.h264";
        List<String> oneThread = command(ffmpeg, n, seconds, graph, encoder, oneThreadOutput, Variant.ONE_DECODE_THREAD);
        String pacedOutput = "baseline-" + n + "-" + encoder + "-paced.h264";
        List<String> paced = command(ffmpeg, n, seconds, graph, encoder, pacedOutput, Variant.PACED);
        List<double[]> wallAndCpu = new ArrayList<>();
        List<Double> oneThreadPerMediaSecond = new ArrayList<>();
        List<Double> pacedPerMediaSecond = new ArrayList<>();
        List<Double> pacedWall = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            // in turn, so a change in the machine during the runs touches all three alike
            wallAndCpu.add(timed(dir, command, "baseline-" + n));
            oneThreadPerMediaSecond.add(timed(dir, oneThread, "baseline-" + n + "-decode1")[1] / seconds);
            double[] p = timed(dir, paced, "baseline-" + n + "-paced");
            pacedPerMediaSecond.add(p[1] / seconds);
            pacedWall.add(p[0]);
        }
        Files.deleteIfExists(dir.resolve(oneThreadOutput));
        Files.deleteIfExists(dir.resolve(pacedOutput));
        List<Double> perMediaSecond = wallAndCpu.stream().map(r -> r[1] / seconds).toList();
        double[] median = medianByCpu(wallAndCpu);
        return new Result(n, seconds, median[0], median[1], dir.resolve(output),
                shellQuote(command.subList(5, command.size())), perMediaSecond, oneThreadPerMediaSecond,
                shellQuote(oneThread.subList(5, oneThread.size())), pacedPerMediaSecond, pacedWall,
                shellQuote(paced.subList(5, paced.size())));
    }

    /** How the CLI reads its inputs. */
    enum Variant {
        /** As a user runs it: default decoder threads, inputs read as fast as it can. */
        AS_FAST_AS_IT_CAN,
        /** {@code -threads 1} on every input: one thread per decoder, as the server decodes each participant. */
        ONE_DECODE_THREAD,
        /** {@code -re} on every input: read at the media's own rate, as a live conference arrives. */
        PACED
    }

    static List<String> command(String ffmpeg, int n, int seconds, String graph, String encoder, String output,
                                Variant variant) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S", "-o", "time.txt",
                ffmpeg, "-v", "error", "-y"));
        for (int i = 0; i < n; i++) {
            if (variant == Variant.ONE_DECODE_THREAD) {
                command.addAll(List.of("-threads", "1"));
            } else if (variant == Variant.PACED) {
                command.add("-re");
            }
            command.add("-i");
            command.add("in" + i + "-" + seconds + "s.mkv");
        }
        command.addAll(List.of("-filter_complex", graph, "-map", "[v]"));
        command.addAll(videoEncoderArgs(encoder));
        command.addAll(List.of("-f", "h264", output,
                "-map", "[a]", "-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-f", "null", "-"));
        return command;
    }

    /** Runs the command under /usr/bin/time: its wall and CPU (user + system) seconds. */
    private static double[] timed(Path dir, List<String> command, String logName) throws IOException, InterruptedException {
        exec(dir, command, logName);
        String[] times = Files.readString(dir.resolve("time.txt")).trim().split("\\s+");
        double wall = Double.parseDouble(times[times.length - 3]);
        double cpu = Double.parseDouble(times[times.length - 2]) + Double.parseDouble(times[times.length - 1]);
        return new double[] {wall, cpu};
    }

    /** The run with the median CPU (the lower middle one of an even count). */
    static double[] medianByCpu(List<double[]> wallAndCpu) {
        List<double[]> sorted = new ArrayList<>(wallAndCpu);
        sorted.sort((a, b) -> Double.compare(a[1], b[1]));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** {@link #filterGraph(List, int[], int[])} with every tile in step. */
    static String filterGraph(List<Picture> pictures, int[] placement) {
        return filterGraph(pictures, placement, null);
    }

    /**
     * The filter graph: input {@code placement[k]} (or k) scaled into picture k, the pictures stacked
     * on the server's canvas as {@code [v]}, and every input's audio mixed as {@code [a]}. Every input
     * is numbered frame by frame first: with the inputs' millisecond timestamps (33, 67, 100 ...)
     * {@code xstack} showed some tiles a frame ahead of the others, a pattern of its own. Picture k's
     * input then starts {@code phases[k] - min(phases)} frames into its loop, so the tiles run ahead
     * of each other as the server's did.
     */
    static String filterGraph(List<Picture> pictures, int[] placement, int[] phases) {
        int n = pictures.size();
        int earliest = phases == null ? 0 : java.util.Arrays.stream(phases).min().orElse(0);
        StringBuilder graph = new StringBuilder();
        StringBuilder videos = new StringBuilder();
        StringBuilder audios = new StringBuilder();
        StringBuilder layout = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Picture p = pictures.get(i);
            int participant = placement == null ? i : placement[i];
            int skip = phases == null ? 0 : phases[i] - earliest;
            graph.append('[').append(participant).append(":v]")
                    .append(skip > 0 ? "trim=start_frame=" + skip + "," : "")
                    .append("settb=1/").append(MediaLibrary.VIDEO_FPS).append(",setpts=N,")
                    .append("scale=").append(p.width()).append(':').append(p.height())
                    .append(":flags=bilinear[v").append(i).append("];");
            videos.append("[v").append(i).append(']');
            audios.append('[').append(i).append(":a]");
            layout.append(layout.length() == 0 ? "" : "|").append(p.x()).append('_').append(p.y());
        }
        // xstack's canvas ends at the last picture: pad it to the server's canvas (pictures keep their places)
        graph.append(videos).append("xstack=inputs=").append(n).append(":layout=").append(layout)
                .append(":fill=black,pad=").append(CANVAS_WIDTH).append(':').append(CANVAS_HEIGHT).append(":0:0:black[v];")
                .append(audios).append("amix=inputs=").append(n).append(":normalize=0[a]");
        return graph.toString();
    }

    static String shellQuote(List<String> words) {
        StringBuilder out = new StringBuilder();
        for (String w : words) {
            out.append(out.length() == 0 ? "" : " ");
            out.append(w.matches("[A-Za-z0-9_./:=,+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }

    private static void exec(Path dir, List<String> command, String logName) throws IOException, InterruptedException {
        Path log = dir.resolve("ffmpeg-" + logName + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IOException("ffmpeg took more than 10 minutes: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IOException("ffmpeg failed (" + p.exitValue() + "): " + Files.readString(log).strip());
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
