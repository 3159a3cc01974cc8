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
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private interface Pattern {
        int at(int x, int y);
    }

    private void allocate(int width, int height, int format) {
        picture.width(width).height(height).format(format);
        assertEquals(0, av_frame_get_buffer(picture, 32));
    }

    private void fill(int plane, int width, int height, Pattern pattern) {
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
