package dev.mcu.decoder;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TentFitTest {
    private AVFrame picture;

    @BeforeEach
    void open() {
        picture = av_frame_alloc();
    }

    @AfterEach
    void close() {
        av_frame_free(picture);
    }

    /** The module's build compiles the kernel; a jar without it would quietly fit on zimg at 3x the CPU. */
    @Test
    void theKernelIsBuiltAndLoads() {
        assertTrue(TentFit.available(), "the native tile-fit kernel did not load: " + TentFit.unavailableReason());
        assertNull(TentFit.unavailableReason());
    }

    /**
     * Byte for byte the tent worked out one output pixel at a time: the sizes include the smallest, widths
     * that no vector length divides, padded rows (FFmpeg's aligned linesizes) and the widest it takes.
     */
    @ParameterizedTest(name = "{0}x{1} by {2}")
    @CsvSource({"640, 360, 2", "1280, 720, 2", "4, 4, 2", "100, 52, 2", "36, 20, 2", "644, 364, 2", "8192, 8, 2",
            "640, 360, 4", "1280, 720, 4", "8, 8, 4", "104, 56, 4", "40, 24, 4", "648, 368, 4", "8192, 16, 4"})
    void eachPixelIsTheTentRoundedOnce(int width, int height, int ratio) {
        allocate(width, height, AV_PIX_FMT_YUV420P, 64);
        Random random = new Random(width * 31L + height + ratio);
        fill(0, width, height, (x, y) -> random.nextInt(256));
        fill(1, width / 2, height / 2, (x, y) -> random.nextInt(256));
        fill(2, width / 2, height / 2, (x, y) -> random.nextInt(256));

        I420Frame shrunk = ratio == 2 ? TentFit.halve(picture, 77) : TentFit.quarter(picture, 77);

        assertNotNull(shrunk);
        assertEquals(width / ratio, shrunk.width());
        assertEquals(height / ratio, shrunk.height());
        assertEquals(77, shrunk.timestampMicros());
        for (int plane = 0; plane < 3; plane++) {
            int planeWidth = plane == 0 ? width : width / 2;
            int planeHeight = plane == 0 ? height : height / 2;
            byte[] source = read(plane, planeWidth, planeHeight);
            for (int y = 0; y < planeHeight / ratio; y++) {
                for (int x = 0; x < planeWidth / ratio; x++) {
                    int expected = tent(source, planeWidth, planeHeight, x, y, ratio);
                    int actual = plane == 0 ? shrunk.lumaAt(x, y)
                            : plane == 1 ? shrunk.uAt(2 * x, 2 * y) : shrunk.vAt(2 * x, 2 * y);
                    if (expected != actual) {
                        assertEquals(expected, actual, "plane " + plane + " at " + x + "," + y);
                    }
                }
            }
        }
    }

    /**
     * What the received tiles are judged by: swscale's bilinear at 2:1 and 4:1, whose x86 vertical pass
     * truncates each tap; within a level of it everywhere, and most pixels equal.
     */
    @ParameterizedTest(name = "by {0}")
    @CsvSource({"2", "4"})
    void theGridsFitIsSwscalesBilinearPictureWithinALevel(int ratio) {
        allocate(640, 360, AV_PIX_FMT_YUV420P, 32);
        Random random = new Random(5);
        fill(0, 640, 360, (x, y) -> 16 + ((x * 7 + y * 3) % 200 + random.nextInt(20)));
        fill(1, 320, 180, (x, y) -> random.nextInt(256));
        fill(2, 320, 180, (x, y) -> 200 - (x * 3 + y) % 140);

        byte[] shrunk = (ratio == 2 ? TentFit.halve(picture, 0) : TentFit.quarter(picture, 0)).data();
        byte[] reference = I420ExtractorTest.swscaleBilinear(picture, 640 / ratio, 360 / ratio).data();

        assertEquals(reference.length, shrunk.length);
        int differing = 0;
        for (int i = 0; i < shrunk.length; i++) {
            int difference = Math.abs((shrunk[i] & 0xff) - (reference[i] & 0xff));
            assertTrue(difference <= 1, "byte " + i + " differs from swscale's by " + difference + " levels");
            differing += difference;
        }
        assertTrue(differing < shrunk.length / 5, differing + " of " + shrunk.length + " bytes differ by a level");
    }

    @Test
    void sizesItDoesNotTakeAreLeftToTheOtherFits() {
        allocate(642, 360, AV_PIX_FMT_YUV420P, 32);     // a side not a multiple of 4: its chroma has an odd side
        assertFalse(TentFit.takes(picture, 2));
        assertNull(TentFit.halve(picture, 0));
        reallocate(644, 364, AV_PIX_FMT_YUV420P);        // multiples of 4 but not of 8: whole at 2:1, not at 4:1
        assertTrue(TentFit.takes(picture, 2));
        assertFalse(TentFit.takes(picture, 4));
        assertNull(TentFit.quarter(picture, 0));
        assertFalse(TentFit.takes(picture, 3));
        reallocate(8200, 8, AV_PIX_FMT_YUV420P);          // wider than the kernel's row of sums
        assertFalse(TentFit.takes(picture, 2));
        reallocate(640, 360, AV_PIX_FMT_NV12);             // not planar 4:2:0
        assertFalse(TentFit.takes(picture, 2));
        reallocate(640, 360, AV_PIX_FMT_YUV420P);
        picture.linesize(0, -picture.linesize(0));         // bottom-up rows
        assertFalse(TentFit.takes(picture, 2));
        picture.linesize(0, -picture.linesize(0));
    }

    /** The decoders' extractor shrinks 2:1 and 4:1 with the kernel, and still fits other sizes on zimg or swscale. */
    @Test
    void theExtractorFitsWholeRatiosWithTheKernel() {
        allocate(640, 360, AV_PIX_FMT_YUV420P, 32);
        Random random = new Random(9);
        fill(0, 640, 360, (x, y) -> random.nextInt(256));
        fill(1, 320, 180, (x, y) -> random.nextInt(256));
        fill(2, 320, 180, (x, y) -> random.nextInt(256));
        try (I420Extractor extractor = new I420Extractor(); I420Extractor zimg = I420Extractor.withoutTentFit()) {
            assertArrayEquals(TentFit.halve(picture, 0).data(), extractor.extract(picture, 0, 320, 180).data());
            assertArrayEquals(TentFit.quarter(picture, 0).data(), extractor.extract(picture, 0, 160, 90).data());
            assertNull(extractor.zimgFit(), "no zimg graph for whole ratios");

            I420Frame threeQuarters = extractor.extract(picture, 0, 480, 270);
            assertEquals(480, threeQuarters.width());
            assertNotNull(extractor.zimgFit(), "a 4:3 fit goes to zimg");
            zimg.extract(picture, 0, 320, 180);
            assertNotNull(zimg.zimgFit(), "the baseline fits 2:1 on zimg");
        }
    }

    private static int tent(byte[] plane, int width, int height, int x, int y, int ratio) {
        int[] taps = ratio == 2 ? new int[] {1, 3, 3, 1} : new int[] {1, 3, 5, 7, 7, 5, 3, 1};
        int first = ratio == 2 ? -1 : -2;
        int sum = 0;
        for (int j = 0; j < taps.length; j++) {
            int row = Math.min(Math.max(ratio * y + first + j, 0), height - 1);
            for (int i = 0; i < taps.length; i++) {
                int column = Math.min(Math.max(ratio * x + first + i, 0), width - 1);
                sum += taps[j] * taps[i] * (plane[row * width + column] & 0xff);
            }
        }
        int shift = ratio == 2 ? 6 : 10;
        return (sum + (1 << (shift - 1))) >> shift;
    }

    private void allocate(int width, int height, int format, int align) {
        picture.width(width).height(height).format(format);
        assertEquals(0, av_frame_get_buffer(picture, align));
    }

    private void reallocate(int width, int height, int format) {
        av_frame_free(picture);
        picture = av_frame_alloc();
        allocate(width, height, format, 32);
    }

    private void fill(int plane, int width, int height, I420ExtractorTest.Pattern pattern) {
        I420ExtractorTest.fill(picture, plane, width, height, pattern);
    }

    private byte[] read(int plane, int width, int height) {
        byte[] packed = new byte[width * height];
        for (int y = 0; y < height; y++) {
            picture.data(plane).position((long) y * picture.linesize(plane)).get(packed, y * width, width);
        }
        return packed;
    }
}
