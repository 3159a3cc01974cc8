package dev.mcu.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The quality a participant receives in a grid room, ours and the ffmpeg CLI's: SSIM and PSNR of
 * the received tiles against their sources scaled to the tile, computed by {@code benchmarks/quality.py}
 * (numpy for the alignment, ffmpeg's ssim and psnr filters for the figures).
 *
 * <p>Threads: the main thread, after the scenarios.
 */
record Quality(Measure ours, Measure ffmpeg) {
    /**
     * Luma SSIM and PSNR, their all-planes counterparts, over {@code frames} frames of {@code tiles} tiles;
     * {@code unevenSteps} the share of tile steps that repeat or skip a picture (the tiles' timing).
     */
    record Measure(double ssim, double ssimAll, double psnr, double psnrAll, int frames, int tiles, double unevenSteps) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "SSIM %.4f / PSNR %.2f dB (Y; %d frames x %d tiles; %.1f %% of tile steps repeat or skip)",
                    ssim, psnr, frames, tiles, 100 * unevenSteps);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where the server put everyone in what a participant received.
     *
     * @param placement {@code placement[tile] = participant}
     * @param phases    {@code phases[tile]}: how many loop frames that tile runs ahead of the tiles'
     *                  most common phase (negative: behind)
     */
    record Arrangement(int[] placement, int[] phases) {
        @Override
        public String toString() {
            return java.util.Arrays.toString(placement) + ", phases " + java.util.Arrays.toString(phases);
        }
    }

    /**
     * Which participant each picture of {@code received} shows and at which phase (quality.py
     * --placement); null (and a log line saying why) if it cannot tell, or if two tiles seem to show
     * the same participant.
     */
    static Arrangement arrangement(String script, Path sources, String pictures, Path received) {
        String out = runScript("placement in " + received + " not read", script, sources, pictures, received, "--placement");
        JsonNode json = out == null ? null : lastJson(out);
        if (json == null || !json.path("placement").isArray() || !json.path("phases").isArray()) {
            if (out != null) {
                ScenarioRunner.log("placement in %s not read: %s", received, out);
            }
            return null;
        }
        int[] placement = numbers(json.get("placement"));
        int[] phases = numbers(json.get("phases"));
        if (java.util.Arrays.stream(placement).distinct().count() != placement.length) {
            ScenarioRunner.log("placement in %s not used: a participant seems to be in two tiles %s", received,
                    java.util.Arrays.toString(placement));
            return null;
        }
        if (phases.length != placement.length) {
            ScenarioRunner.log("placement in %s not used: %d tiles but %d phases", received, placement.length, phases.length);
            return null;
        }
        return new Arrangement(placement, phases);
    }

    private static int[] numbers(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** The script's result: its last line that is a JSON object (ffmpeg may have written lines before it), or null. */
    private static JsonNode lastJson(String out) {
        try {
            JsonNode node = JSON.readTree(out.substring(Math.max(0, out.lastIndexOf("\n{") + 1)));
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Runs quality.py on one received stream; null (and a log line saying why) if it fails. */
    static Measure measure(String script, Path sources, String pictures, Path received) {
        String out = runScript("quality of " + received + " not measured", script, sources, pictures, received);
        if (out == null) {
            return null;
        }
        JsonNode f = lastJson(out);
        if (f == null || !f.has("ssim") || !f.has("frames")) {
            ScenarioRunner.log("quality of %s not measured: no result in %s", received, out);
            return null;
        }
        return new Measure(f.path("ssim").asDouble(), f.path("ssimAll").asDouble(), f.path("psnr").asDouble(),
                f.path("psnrAll").asDouble(), f.path("frames").asInt(), f.path("tiles").asInt(),
                f.path("unevenSteps").asDouble(0.0));
    }

    /** quality.py's output, or null after logging {@code failure} and why. */
    private static String runScript(String failure, String script, Path sources, String pictures, Path received,
                                     String... options) {
        String python = System.getenv().getOrDefault("PYTHON", "/usr/bin/python3");
        List<String> command = new java.util.ArrayList<>(List.of(python, script, "--ffmpeg", FfmpegBaseline.ffmpeg(),
                "--sources", sources.toString(), "--pictures", pictures));
        command.addAll(List.of(options));
        command.add(received.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                ScenarioRunner.log("%s: %s", failure, out);
                return null;
            }
            return out;
        } catch (Exception e) {
            ScenarioRunner.log("%s: %s", failure, e);
            return null;
        }
    }
}
