package dev.mcu.decoder;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class I420ExtractorTest {
    private I420Extractor extractor;
    private AVFrame picture;

    @BeforeEach
    void open() {
        extractor = new I420Extractor();
        picture = av_frame_alloc();
    }

    @AfterEach
    void close() {
        av_frame_free(picture);
        extractor.close();
    }

    /** Odd sizes make chroma round up; FFmpeg's 32-byte aligned linesizes are wider than the picture. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"6, 4", "5, 3", "33, 17"})
    void aYuv420pPictureIsCopiedRowByRowPastItsLinePadding(int width, int height) {
        allocate(width, height, AV_PIX_FMT_YUV420P);
        assertTrue(picture.linesize(0) > width, "the test needs padded lines");
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        fill(0, width, height, (x, y) -> 16 + x + 10 * y);
        fill(1, chromaWidth, chromaHeight, (x, y) -> 100 + x + 5 * y);
        fill(2, chromaWidth, chromaHeight, (x, y) -> 200 - x - 5 * y);

        I420Frame frame = extractor.extract(picture, 1234);

        assertEquals(width, frame.width());
        assertEquals(height, frame.height());
        assertEquals(1234, frame.timestampMicros());
        assertEquals(I420Frame.sizeOf(width, height), frame.data().length);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertEquals(16 + x + 10 * y, frame.lumaAt(x, y), "Y at " + x + "," + y);
                assertEquals(100 + x / 2 + 5 * (y / 2), frame.uAt(x, y), "U at " + x + "," + y);
                assertEquals(200 - x / 2 - 5 * (y / 2), frame.vAt(x, y), "V at " + x + "," + y);
            }
        }
    }

    @Test
    void aYuv444pPictureIsConvertedToI420() {
        allocate(64, 48, AV_PIX_FMT_YUV444P);
        fill(0, 64, 48, (x, y) -> 120);
        fill(1, 64, 48, (x, y) -> 60);
        fill(2, 64, 48, (x, y) -> 190);
        I420Frame frame = extractor.extract(picture, 0);
        assertEquals(64, frame.width());
        assertEquals(120, frame.lumaAt(32, 24), 1);
        assertEquals(60, frame.uAt(32, 24), 1);
        assertEquals(190, frame.vAt(32, 24), 1);
    }

    @Test
    void fullRangeYuvj420pIsSqueezedIntoTheLimitedRangeTheCodecsUse() {
        allocate(64, 48, AV_PIX_FMT_YUVJ420P);
        fill(0, 64, 48, (x, y) -> x < 32 ? 0 : 255);
        fill(1, 32, 24, (x, y) -> 128);
        fill(2, 32, 24, (x, y) -> 128);
        I420Frame frame = extractor.extract(picture, 0);
        assertEquals(16, frame.lumaAt(8, 24), 2);
        assertEquals(235, frame.lumaAt(56, 24), 2);
    }

    @Test
    void aSizeChangeBetweenConvertedPicturesRebuildsTheConversion() {
        allocate(64, 48, AV_PIX_FMT_NV12);
        fill(0, 64, 48, (x, y) -> 50);
        fill(1, 64, 24, (x, y) -> x % 2 == 0 ? 90 : 170); // interleaved U, V
        assertEquals(170, extractor.extract(picture, 0).vAt(10, 10), 1);

        av_frame_free(picture);
        picture = av_frame_alloc();
        allocate(128, 96, AV_PIX_FMT_NV12);
        fill(0, 128, 96, (x, y) -> 70);
        fill(1, 128, 48, (x, y) -> x % 2 == 0 ? 90 : 170);
        I420Frame frame = extractor.extract(picture, 0);
        assertEquals(128, frame.width());
        assertEquals(96, frame.height());
        assertEquals(70, frame.lumaAt(100, 90), 1);
        assertEquals(90, frame.uAt(100, 90), 1);
    }

    @Test
    void aPictureIsFittedIntoItsTileKeepingItsShapeAndColours() {
        allocate(640, 360, AV_PIX_FMT_YUV420P);
        fill(0, 640, 360, (x, y) -> x < 320 ? 81 : 145);           // red left half, green right half (luma)
        fill(1, 320, 180, (x, y) -> x < 160 ? 90 : 54);
        fill(2, 320, 180, (x, y) -> x < 160 ? 240 : 34);

        I420Frame tall = extractor.extract(picture, 7, 320, 360);  // a tall grid tile: 16:9 keeps its shape
        assertEquals(320, tall.width());
        assertEquals(180, tall.height());
        assertEquals(7, tall.timestampMicros());
        assertEquals(81, tall.lumaAt(40, 90), 2);
        assertEquals(240, tall.vAt(40, 90), 2);
        assertEquals(145, tall.lumaAt(280, 90), 2);
        assertEquals(54, tall.uAt(280, 90), 2);

        I420Frame same = extractor.extract(picture, 0, 640, 360);
        assertEquals(640, same.width(), "a picture that already fits its tile is copied as it is");
        I420Frame unboxed = extractor.extract(picture, 0, 0, 0);
        assertEquals(360, unboxed.height(), "no box: the decoded size");
    }

    @Test
    void aConvertedPictureIsFittedInTheSamePass() {
        allocate(128, 96, AV_PIX_FMT_YUV444P);
        fill(0, 128, 96, (x, y) -> 120);
        fill(1, 128, 96, (x, y) -> 60);
        fill(2, 128, 96, (x, y) -> 190);
        I420Frame frame = extractor.extract(picture, 0, 64, 64);
        assertEquals(64, frame.width());
        assertEquals(48, frame.height());
        assertEquals(120, frame.lumaAt(32, 24), 1);
        assertEquals(60, frame.uAt(32, 24), 1);
        assertEquals(190, frame.vAt(32, 24), 1);
    }

    /**
     * A 2:1 fit without the native kernel (where its library did not load) goes through zimg: the
     * picture must be swscale's bilinear one (what the quality benchmark judges tiles by) within a
     * fraction of a level on average and a few levels anywhere, on detail as fine as a picture has.
     */
    @Test
    void theGridsTwoToOneFitGivesSwscalesBilinearPicture() {
        allocate(640, 360, AV_PIX_FMT_YUV420P);
        java.util.Random random = new java.util.Random(12);
        fill(0, 640, 360, (x, y) -> 16 + ((x * 7 + y * 3) % 200 + random.nextInt(20)));
        fill(1, 320, 180, (x, y) -> 60 + (x + y) % 120);
        fill(2, 320, 180, (x, y) -> 200 - (x * 3 + y) % 140);

        useExtractor(I420Extractor.withoutTentFit());
        I420Frame fitted = extractor.extract(picture, 0, 320, 180);
        I420Frame reference = swscaleBilinear(picture, 320, 180);

        assertNotNull(extractor.zimgFit(), "the 2:1 fit runs on zimg");
        try (I420Extractor swscaleOnly = I420Extractor.swscaleOnly()) {
            assertArrayEquals(reference.data(), swscaleOnly.extract(picture, 0, 320, 180).data(), "the baseline is swscale's picture");
            assertNull(swscaleOnly.zimgFit());
        }
        assertEquals(320, fitted.width());
        assertEquals(180, fitted.height());
        double sum = 0;
        int worst = 0;
        byte[] a = fitted.data();
        byte[] b = reference.data();
        for (int i = 0; i < a.length; i++) {
            int difference = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            sum += difference;
            worst = Math.max(worst, difference);
        }
        double mean = sum / a.length;
        assertTrue(mean < 0.5, "mean difference from swscale's picture " + mean + " levels");
        assertTrue(worst <= 8, "largest difference from swscale's picture " + worst + " levels");
    }

    @Test
    void fitsOfOtherSizesAndShapesKeepTheirColours() {
        int[][] cases = {{1280, 720, 320, 180}, {640, 360, 320, 180}, {33, 17, 16, 8}, {640, 480, 426, 240}, {320, 180, 640, 360}};
        for (int[] c : cases) {
            av_frame_free(picture);
            picture = av_frame_alloc();
            allocate(c[0], c[1], AV_PIX_FMT_YUV420P);
            int half = c[0] / 2;
            fill(0, c[0], c[1], (x, y) -> x < half ? 81 : 145);
            fill(1, I420Frame.chromaWidth(c[0]), I420Frame.chromaHeight(c[1]), (x, y) -> 2 * x < half ? 90 : 54);
            fill(2, I420Frame.chromaWidth(c[0]), I420Frame.chromaHeight(c[1]), (x, y) -> 2 * x < half ? 240 : 34);

            I420Frame frame = extractor.extract(picture, 0, c[2], c[3]);

            String fit = c[0] + "x" + c[1] + " into " + c[2] + "x" + c[3];
            assertTrue(frame.width() <= c[2] && frame.height() <= c[3], fit + " gave " + frame.width() + "x" + frame.height());
            int y = frame.height() / 2;
            assertEquals(81, frame.lumaAt(1, y), 2, fit + ": the left's luma");
            assertEquals(145, frame.lumaAt(frame.width() - 2, y), 2, fit + ": the right's luma");
            assertEquals(240, frame.vAt(1, y), 2, fit + ": the left's V");
            assertEquals(54, frame.uAt(frame.width() - 2, y), 2, fit + ": the right's U");
        }
    }

    /** One owner for zimg's native graph: the extractor frees it when the fit changes and when it closes. */
    @Test
    void theZimgGraphIsFreedWhenTheFitChangesAndWhenTheExtractorCloses() {
        useExtractor(I420Extractor.withoutTentFit());
        allocate(640, 360, AV_PIX_FMT_YUV420P);
        extractor.extract(picture, 0, 320, 180);
        ZscaleFit first = extractor.zimgFit();
        for (int i = 0; i < I420Extractor.PICTURES_BETWEEN_ZIMG_BUILDS; i++) {
            extractor.extract(picture, 0, 320, 180);
        }
        assertSame(first, extractor.zimgFit(), "the same fit keeps its graph");

        extractor.extract(picture, 0, 160, 90);
        ZscaleFit second = extractor.zimgFit();
        assertNotSame(first, second);
        assertTrue(first.closed(), "a fit that changed frees its graph");

        extractor.close();
        assertTrue(second.closed(), "closing the extractor frees its graph");
        extractor = new I420Extractor(); // for close() after the test
    }

    /**
     * A sender that changes its size on every picture must not have a zimg graph (~0.8 ms to build) built
     * for each: swscale fits those, and zimg takes the size that holds.
     */
    @Test
    void aSizeThatChangesOnEveryPictureIsFittedBySwscaleUntilItHolds() {
        useExtractor(I420Extractor.withoutTentFit());
        allocate(640, 360, AV_PIX_FMT_YUV420P);
        fill(0, 640, 360, (x, y) -> 81);
        fill(1, 320, 180, (x, y) -> 90);
        fill(2, 320, 180, (x, y) -> 240);
        extractor.extract(picture, 0, 320, 180);
        assertNotNull(extractor.zimgFit());

        for (int i = 0; i < 90; i++) { // every picture still right
            int tileWidth = i % 2 == 0 ? 160 : 320;
            I420Frame frame = extractor.extract(picture, i, tileWidth, 360);
            assertEquals(tileWidth, frame.width());
            assertEquals(81, frame.lumaAt(tileWidth / 2, frame.height() / 2), 2);
            assertEquals(240, frame.vAt(tileWidth / 2, frame.height() / 2), 2);
        }
        int builds = 0;
        ZscaleFit seen = extractor.zimgFit();
        for (int i = 0; i < 90; i++) {
            extractor.extract(picture, i, i % 2 == 0 ? 160 : 320, 360);
            if (extractor.zimgFit() != seen) {
                builds++;
                seen = extractor.zimgFit();
            }
        }
        assertTrue(builds <= 3, "zimg graphs built for 90 pictures that alternate sizes: " + builds);

        for (int i = 0; i <= I420Extractor.PICTURES_BETWEEN_ZIMG_BUILDS; i++) {
            extractor.extract(picture, i, 160, 90);
        }
        assertTrue(extractor.zimgFit().fits(picture, 160, 90), "zimg fits the size that held");
    }

    static I420Frame swscaleBilinear(AVFrame picture, int width, int height) {
        AVFrame out = av_frame_alloc();
        org.bytedeco.ffmpeg.swscale.SwsContext sws = org.bytedeco.ffmpeg.global.swscale.sws_getContext(
                picture.width(), picture.height(), picture.format(), width, height, AV_PIX_FMT_YUV420P,
                org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR, null, null, (org.bytedeco.javacpp.DoublePointer) null);
        try {
            out.width(width).height(height).format(AV_PIX_FMT_YUV420P);
            assertEquals(0, av_frame_get_buffer(out, 0));
            org.bytedeco.ffmpeg.global.swscale.sws_scale(sws, picture.data(), picture.linesize(), 0, picture.height(),
                    out.data(), out.linesize());
            try (I420Extractor copier = new I420Extractor()) {
                return copier.extract(out, 0);
            }
        } finally {
            org.bytedeco.ffmpeg.global.swscale.sws_freeContext(sws);
            av_frame_free(out);
        }
    }

    private void useExtractor(I420Extractor another) {
        extractor.close();
        extractor = another;
    }

    interface Pattern {
        int at(int x, int y);
    }

    private void allocate(int width, int height, int format) {
        picture.width(width).height(height).format(format);
        assertEquals(0, av_frame_get_buffer(picture, 32));
    }

    private void fill(int plane, int width, int height, Pattern pattern) {
        fill(picture, plane, width, height, pattern);
    }

    /** Writes {@code pattern} into a plane of a native picture, row by row past its line padding. */
    static void fill(AVFrame picture, int plane, int width, int height, Pattern pattern) {
        int linesize = picture.linesize(plane);
        byte[] row = new byte[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = (byte) pattern.at(x, y);
            }
            picture.data(plane).position((long) y * linesize).put(row, 0, width);
        }
    }
}
