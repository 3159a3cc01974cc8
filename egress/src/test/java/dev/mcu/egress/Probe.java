package dev.mcu.egress;

import dev.mcu.media.analysis.Tones;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helper: what ffprobe and ffmpeg (Debian's, not our natives) read back from an output. */
final class Probe {
    private Probe() {
    }

    /** ffprobe's stream codec names, in order, and the container's duration in seconds. */
    record Streams(List<String> codecs, double durationSeconds) {
    }

    static Streams streams(String input) throws IOException, InterruptedException {
        String out = run("ffprobe", "-v", "error", "-show_entries", "stream=index,codec_name:format=duration",
                "-of", "default=noprint_wrappers=1", input);
        java.util.Map<String, String> byIndex = new java.util.TreeMap<>(); // MPEG-TS lists streams twice (programs)
        String index = null;
        double duration = -1;
        for (String line : out.split("\n")) {
            if (line.startsWith("index=")) {
                index = line.substring("index=".length()).trim();
            } else if (line.startsWith("codec_name=")) {
                byIndex.put(index, line.substring("codec_name=".length()).trim());
            } else if (line.startsWith("duration=") && !line.contains("N/A")) {
                duration = Double.parseDouble(line.substring("duration=".length()).trim());
            }
        }
        return new Streams(new ArrayList<>(byIndex.values()), duration);
    }

    /** The picture at {@code seconds} as packed RGB, {@code Program.WIDTH} x {@code Program.HEIGHT}. */
    static byte[] frameRgb(String input, double seconds, Path scratch) throws IOException, InterruptedException {
        Path raw = scratch.resolve("frame-" + System.nanoTime() + ".rgb");
        run("ffmpeg", "-v", "error", "-y", "-ss", Double.toString(seconds), "-i", input, "-frames:v", "1",
                "-s", Program.WIDTH + "x" + Program.HEIGHT, "-f", "rawvideo", "-pix_fmt", "rgb24", raw.toString());
        byte[] rgb = Files.readAllBytes(raw);
        assertEquals(Program.WIDTH * Program.HEIGHT * 3, rgb.length, "one decoded frame");
        return rgb;
    }

    /** The whole audio track as 48 kHz mono samples. */
    static short[] audio(String input, Path scratch) throws IOException, InterruptedException {
        Path raw = scratch.resolve("audio-" + System.nanoTime() + ".pcm");
        run("ffmpeg", "-v", "error", "-y", "-i", input, "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", raw.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        short[] samples = new short[bytes.remaining() / 2];
        bytes.asShortBuffer().get(samples);
        return samples;
    }

    /** Left half red, right half blue, as {@link Program} drew them. */
    static void assertTwoTiles(byte[] rgb) {
        int[] left = pixel(rgb, Program.WIDTH / 4, Program.HEIGHT / 2);
        int[] right = pixel(rgb, Program.WIDTH * 3 / 4, Program.HEIGHT / 2);
        assertTrue(left[0] > 180 && left[1] < 80 && left[2] < 80, "left tile is red, got RGB " + List.of(left[0], left[1], left[2]));
        assertTrue(right[2] > 180 && right[0] < 80 && right[1] < 80, "right tile is blue, got RGB " + List.of(right[0], right[1], right[2]));
    }

    /** Both talkers' tones are loud over the middle second, an absent frequency is not. */
    static void assertBothTones(short[] samples) {
        assertTrue(samples.length > 48_000 * 2, "at least 2 s of audio, got " + samples.length + " samples");
        int from = samples.length / 2 - 24_000;
        double left = Tones.amplitude(samples, from, 48_000, Program.LEFT_TONE, 48_000);
        double right = Tones.amplitude(samples, from, 48_000, Program.RIGHT_TONE, 48_000);
        double absent = Tones.amplitude(samples, from, 48_000, 700, 48_000);
        assertTrue(left > 3000, "440 Hz amplitude " + left);
        assertTrue(right > 3000, "1000 Hz amplitude " + right);
        assertTrue(absent < 300, "700 Hz (absent) amplitude " + absent);
    }

    private static int[] pixel(byte[] rgb, int x, int y) {
        int at = (y * Program.WIDTH + x) * 3;
        return new int[]{rgb[at] & 0xff, rgb[at + 1] & 0xff, rgb[at + 2] & 0xff};
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + text);
        return text;
    }
}
