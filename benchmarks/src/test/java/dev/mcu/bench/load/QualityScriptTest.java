package dev.mcu.bench.load;

import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load benchmark's quality measure (benchmarks/quality.py, run by the real ffmpeg program of the
 * natives): a 2x2 grid of four participants' loops, in a known arrangement, encoded by openh264.
 */
class QualityScriptTest {

    private static final String SCRIPT = "quality.py";
    private static final int[] PLACEMENT = {2, 0, 3, 1};   // tile k shows participant PLACEMENT[k]
    private static final int[] NO_SHIFT = {0, 0, 0, 0};

    @TempDir
    static Path dir;
    private static String pictures;

    @BeforeAll
    static void writeSources() throws Exception {
        Process numpy = new ProcessBuilder(System.getenv().getOrDefault("PYTHON", "/usr/bin/python3"), "-c", "import numpy")
                .redirectErrorStream(true).start();
        numpy.getInputStream().readAllBytes();
        assumeTrue(numpy.waitFor() == 0, "quality.py needs numpy: apt-get install python3-numpy");
        for (int i = 0; i < 4; i++) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("src" + i + ".yuv")))) {
                for (int f = 0; f < MediaLibrary.VIDEO_LOOP_FRAMES; f++) {
                    out.write(MediaLibrary.picture(i, f).data());
                }
            }
        }
        pictures = LoadBenchmark.pictureList(4);
    }

    @Test
    void readsWhichParticipantEachTileShowsAndWhichTilesRunAhead() throws Exception {
        Quality.Arrangement inStep = Quality.arrangement(SCRIPT, dir, pictures, encode("inStep", 0, 200, 3000, NO_SHIFT));
        Quality.Arrangement shifted = Quality.arrangement(SCRIPT, dir, pictures,
                encode("shifted", 0, 200, 3000, new int[] {0, 1, 0, 1}));

        assertNotNull(inStep, "quality.py read the arrangement (its complaint is in the log above)");
        assertArrayEquals(PLACEMENT, inStep.placement());
        assertArrayEquals(new int[] {0, 0, 0, 0}, inStep.phases());
        assertNotNull(shifted);
        assertArrayEquals(PLACEMENT, shifted.placement());
        // two tiles against two: either pair is "the most common phase"
        int[] phases = shifted.phases();
        assertTrue(java.util.Arrays.equals(phases, new int[] {0, 1, 0, 1}) || java.util.Arrays.equals(phases, new int[] {-1, 0, -1, 0}),
                "tiles 1 and 3 a frame ahead of 0 and 2: " + java.util.Arrays.toString(phases));
    }

    @Test
    void measuresAfterTheKeyframesDipAndTellsAStarvedPictureFromAGoodOne() throws Exception {
        // a stream's first 140 frames starved (100 kbit/s for 720p), then a fresh keyframe and good ones
        Path starved = encode("starved", 0, 140, 100, NO_SHIFT);
        Path good = encode("good", 140, 160, 4000, NO_SHIFT);
        Path both = dir.resolve("both.h264");
        Files.write(both, concat(Files.readAllBytes(starved), Files.readAllBytes(good)));

        Quality.Measure measured = Quality.measure(SCRIPT, dir, pictures, both);
        Quality.Measure starvedAlone = Quality.measure(SCRIPT, dir, pictures, starved);

        assertNotNull(measured, "quality.py measured the stream (its complaint is in the log above)");
        assertNotNull(starvedAlone);
        assertEquals(150, measured.frames(), "5 s measured");
        assertEquals(4, measured.tiles());
        assertTrue(measured.ssim() > 0.99, "frames 140 on are the good ones: " + measured);
        // every tile steps one loop frame a frame; only participant 0's flat flash frames cannot be told apart
        assertTrue(measured.unevenSteps() < 0.05, "tiles step evenly: " + measured);
        // 140 frames are too few to skip 140: it skips the first 15 and measures the rest
        assertEquals(125, starvedAlone.frames(), starvedAlone.toString());
        assertTrue(starvedAlone.ssim() < measured.ssim() - 0.02 && starvedAlone.psnr() < measured.psnr() - 5,
                "a starved picture scores clearly worse: " + starvedAlone + " against " + measured);
    }

    /** Canvases {@code first}..{@code first + count - 1}, tile k {@code ahead[k]} loop frames ahead, encoded by openh264. */
    private static Path encode(String name, int first, int count, int kbps, int[] ahead) throws Exception {
        List<FfmpegBaseline.Picture> rects = FfmpegBaseline.gridPictures(4);
        int w = FfmpegBaseline.CANVAS_WIDTH;
        int h = FfmpegBaseline.CANVAS_HEIGHT;
        Path raw = dir.resolve(name + ".yuv");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(raw))) {
            for (int f = first; f < first + count; f++) {
                byte[] canvas = I420Frame.solid(w, h, 16, 128, 128).data();
                for (int k = 0; k < rects.size(); k++) {
                    paste(canvas, w, h, MediaLibrary.picture(PLACEMENT[k], (f + ahead[k]) % MediaLibrary.VIDEO_LOOP_FRAMES),
                            rects.get(k));
                }
                out.write(canvas);
            }
        }
        Path stream = dir.resolve(name + ".h264");
        Process p = new ProcessBuilder(FfmpegBaseline.ffmpeg(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                "-s", w + "x" + h, "-r", "30", "-i", raw.toString(), "-c:v", "libopenh264", "-b:v", kbps + "k",
                "-g", "1000", "-bf", "0", "-f", "h264", stream.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ffmpeg encodes the canvases: " + log);
        return stream;
    }

    /** The grid's tiles are the sources' own size here (640x360), so a tile is the picture as sent. */
    private static void paste(byte[] canvas, int w, int h, I420Frame picture, FfmpegBaseline.Picture at) {
        assertEquals(picture.width(), at.width());
        assertEquals(picture.height(), at.height());
        byte[] src = picture.data();
        for (int y = 0; y < at.height(); y++) {
            System.arraycopy(src, y * at.width(), canvas, (at.y() + y) * w + at.x(), at.width());
        }
        int cw = at.width() / 2;
        for (int plane = 0; plane < 2; plane++) {
            int srcBase = picture.offsetU() + plane * (cw * at.height() / 2);
            int dstBase = w * h + plane * (w / 2 * h / 2);
            for (int y = 0; y < at.height() / 2; y++) {
                System.arraycopy(src, srcBase + y * cw, canvas, dstBase + (at.y() / 2 + y) * (w / 2) + at.x() / 2, cw);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
