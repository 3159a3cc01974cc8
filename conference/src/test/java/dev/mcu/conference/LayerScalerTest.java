package dev.mcu.conference;

import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ladder's box filter: each output pixel is the mean of what it covers, not one pixel picked. */
class LayerScalerTest {

    /** Black and white one-pixel stripes, which the nearest pixel would turn all black or all white. */
    private static I420Frame stripes(int width, int height) {
        I420Frame frame = I420Frame.solid(width, height, 0, 128, 128);
        byte[] data = frame.data();
        for (int y = 0; y < height; y++) {
            for (int x = 1; x < width; x += 2) {
                data[y * width + x] = (byte) 200;
            }
        }
        for (int i = width * height; i < width * height + I420Frame.chromaWidth(width) * I420Frame.chromaHeight(height); i++) {
            data[i] = (byte) (i % 2 == 0 ? 100 : 156);   // U stripes too
        }
        return frame;
    }

    @Test
    void halfAndQuarterSizeAverageTheBlocksTheyCover() {
        I420Frame canvas = stripes(64, 36);
        I420Frame half = new LayerScaler(32, 18).scale(canvas);
        I420Frame quarter = new LayerScaler(16, 8).scale(stripes(64, 32));
        assertEquals(100, half.lumaAt(5, 5), "(0 + 200) / 2");
        assertEquals(100, quarter.lumaAt(3, 3));
        assertEquals(128, half.uAt(4, 4), "(100 + 156) / 2");
        assertEquals(128, half.vAt(4, 4), "V was flat");
    }

    @Test
    void anOddRatioStillAveragesEachPixelsArea() {
        I420Frame scaled = new LayerScaler(40, 24).scale(stripes(64, 36));
        for (int x = 0; x < 40; x++) {
            int luma = scaled.lumaAt(x, 10);
            // 1.6 source pixels per output pixel: each average mixes black and white
            assertEquals(true, luma >= 60 && luma <= 140, "pixel " + x + " is " + luma);
        }
    }

    @Test
    void aFlatColourStaysExactlyThatColour() {
        I420Frame scaled = new LayerScaler(320, 180).scale(I420Frame.solid(1280, 720, 81, 90, 240));
        assertEquals(81, scaled.lumaAt(100, 100));
        assertEquals(90, scaled.uAt(100, 100));
        assertEquals(240, scaled.vAt(100, 100));
    }
}
