package dev.mcu.mixer;

import dev.mcu.media.I420Frame;

import java.util.Arrays;

/**
 * The composited picture of one output profile: an I420 frame over a Java array (Y, then U, then
 * V, tightly packed) that tiles are copied into and that the encoder reads.
 *
 * <p>Confined to the room's media clock thread, like its owner {@link VideoCompositor}.
 */
final class Canvas {
    static final int BLACK_Y = 16;
    static final int BLACK_CHROMA = 128;

    final int width;
    final int height;
    final int chromaWidth;
    final byte[] pixels;
    final I420Frame frame;
    private final int offsetU;
    private final int offsetV;

    Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.chromaWidth = I420Frame.chromaWidth(width);
        this.pixels = new byte[I420Frame.sizeOf(width, height)];
        this.frame = new I420Frame(width, height, pixels, 0);
        this.offsetU = frame.offsetU();
        this.offsetV = frame.offsetV();
        clear();
    }

    int offsetY(int x, int y) {
        return y * width + x;
    }

    /** Offset of the U sample over the (even) luma position x, y. */
    int offsetU(int x, int y) {
        return offsetU + (y >> 1) * chromaWidth + (x >> 1);
    }

    int offsetV(int x, int y) {
        return offsetV + (y >> 1) * chromaWidth + (x >> 1);
    }

    void clear() {
        Arrays.fill(pixels, 0, offsetU, (byte) BLACK_Y);
        Arrays.fill(pixels, offsetU, pixels.length, (byte) BLACK_CHROMA);
    }

    /** Paints a rectangle of even origin and size in one colour. */
    void fill(int x, int y, int w, int h, int lumaValue, int uValue, int vValue) {
        for (int row = y; row < y + h; row++) {
            int start = offsetY(x, row);
            Arrays.fill(pixels, start, start + w, (byte) lumaValue);
        }
        int chromaRowBytes = w >> 1;
        for (int row = y; row < y + h; row += 2) {
            int startU = offsetU(x, row);
            Arrays.fill(pixels, startU, startU + chromaRowBytes, (byte) uValue);
            int startV = offsetV(x, row);
            Arrays.fill(pixels, startV, startV + chromaRowBytes, (byte) vValue);
        }
    }

    void fillBlack(int x, int y, int w, int h) {
        fill(x, y, w, h, BLACK_Y, BLACK_CHROMA, BLACK_CHROMA);
    }
}
