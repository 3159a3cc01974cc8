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

class TentHalvingTest {
    private AVFrame picture;

    @BeforeEach
    void open() {
        picture = av_frame_alloc();
    }

    @AfterEach
    void close() {
        av_frame_free(picture);
    }

    /** The module's build compiles the kernel; a jar without it would quietly fit on zimg at 4x the CPU. */
    @Test
    void theKernelIsBuiltAndLoads() {
        assertTrue(TentHalving.available(), "the native 2:1 kernel did not load: " + TentHalving.unavailableReason());
        assertNull(TentHalving.unavailableReason());
    }

    /**
     * Byte for byte the tent worked out one output pixel at a time: the sizes include the smallest, widths
     * that no vector length divides, padded rows (FFmpeg's aligned linesizes) and the widest it takes.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"640, 360", "1280, 720", "4, 4", "100, 52", "36, 20", "644, 364", "8192, 8"})
    void eachPixelIsTheTentRoundedOnce(int width, int height) {
        allocate(width, height, AV_PIX_FMT_YUV420P, 64);
        Random random = new Random(width * 31L + height);
        fill(0, width, height, (x, y) -> random.nextInt(256));
        fill(1, width / 2, height / 2, (x, y) -> random.nextInt(256));
        fill(2, width / 2, height / 2, (x, y) -> random.nextInt(256));

        I420Frame halved = TentHalving.halve(picture, 77);

        assertNotNull(halved);
        assertEquals(width / 2, halved.width());
        assertEquals(height / 2, halved.height());
        assertEquals(77, halved.timestampMicros());
        for (int plane = 0; plane < 3; plane++) {
            int planeWidth = plane == 0 ? width : width / 2;
            int planeHeight = plane == 0 ? height : height / 2;
            byte[] source = read(plane, planeWidth, planeHeight);
            for (int y = 0; y < planeHeight / 2; y++) {
                for (int x = 0; x < planeWidth / 2; x++) {
                    int expected = tent(source, planeWidth, planeHeight, x, y);
                    int actual = plane == 0 ? halved.lumaAt(x, y) : plane == 1 ? halved.uAt(2 * x, 2 * y) : halved.vAt(2 * x, 2 * y);
                    if (expected != actual) {
                        assertEquals(expected, actual, "plane " + plane + " at " + x + "," + y);
                    }
                }
            }
        }
    }

    /** What the received tiles are judged by: swscale's bilinear at 2:1, which truncates its taps; one level at most. */
    @Test
    void theGridsFitIsSwscalesBilinearPictureWithinOneLevel() {
        allocate(640, 360, AV_PIX_FMT_YUV420P, 32);
        Random random = new Random(5);
        fill(0, 640, 360, (x, y) -> 16 + ((x * 7 + y * 3) % 200 + random.nextInt(20)));
        fill(1, 320, 180, (x, y) -> random.nextInt(256));
        fill(2, 320, 180, (x, y) -> 200 - (x * 3 + y) % 140);

        byte[] halved = TentHalving.halve(picture, 0).data();
        byte[] reference = I420ExtractorTest.swscaleBilinear(picture, 320, 180).data();

        int differing = 0;
        for (int i = 0; i < halved.length; i++) {
            int difference = Math.abs((halved[i] & 0xff) - (reference[i] & 0xff));
            assertTrue(difference <= 1, "byte " + i + " differs from swscale's by " + difference + " levels");
            differing += difference;
        }
        assertTrue(differing < halved.length / 5, differing + " of " + halved.length + " bytes differ by a level");
    }

    @Test
    void sizesItDoesNotTakeAreLeftToTheOtherFits() {
        allocate(642, 360, AV_PIX_FMT_YUV420P, 32);     // a side not a multiple of 4: its chroma has an odd side
        assertFalse(TentHalving.takes(picture));
        assertNull(TentHalving.halve(picture, 0));
        reallocate(8196, 4, AV_PIX_FMT_YUV420P);          // wider than the kernel's row of sums
        assertFalse(TentHalving.takes(picture));
        reallocate(640, 360, AV_PIX_FMT_NV12);             // not planar 4:2:0
        assertFalse(TentHalving.takes(picture));
        reallocate(640, 360, AV_PIX_FMT_YUV420P);
        picture.linesize(0, -picture.linesize(0));         // bottom-up rows
        assertFalse(TentHalving.takes(picture));
        picture.linesize(0, -picture.linesize(0));
    }

    /** The decoders' extractor halves with the kernel, and still fits other sizes on zimg or swscale. */
    @Test
    void theExtractorHalvesWithTheKernel() {
        allocate(640, 360, AV_PIX_FMT_YUV420P, 32);
        Random random = new Random(9);
        fill(0, 640, 360, (x, y) -> random.nextInt(256));
        fill(1, 320, 180, (x, y) -> random.nextInt(256));
        fill(2, 320, 180, (x, y) -> random.nextInt(256));
        try (I420Extractor extractor = new I420Extractor(); I420Extractor zimg = I420Extractor.withoutNativeHalving()) {
            assertArrayEquals(TentHalving.halve(picture, 0).data(), extractor.extract(picture, 0, 320, 180).data());
            assertNull(extractor.zimgFit(), "no zimg graph for a 2:1 fit");

            I420Frame quarter = extractor.extract(picture, 0, 160, 90);
            assertEquals(160, quarter.width());
            zimg.extract(picture, 0, 320, 180);
            assertNotNull(zimg.zimgFit(), "the baseline fits 2:1 on zimg");
        }
    }

    private static int tent(byte[] plane, int width, int height, int x, int y) {
        int[] taps = {1, 3, 3, 1};
        int sum = 0;
        for (int j = 0; j < 4; j++) {
            int row = Math.min(Math.max(2 * y - 1 + j, 0), height - 1);
            for (int i = 0; i < 4; i++) {
                int column = Math.min(Math.max(2 * x - 1 + i, 0), width - 1);
                sum += taps[j] * taps[i] * (plane[row * width + column] & 0xff);
            }
        }
        return (sum + 32) >> 6;
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
