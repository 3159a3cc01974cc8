package dev.mcu.media;

import java.util.Arrays;

/**
 * One decoded picture in planar I420 (YUV 4:2:0), tightly packed in a single array:
 * the Y plane ({@code width x height}), then U, then V (each {@code chromaWidth x chromaHeight}).
 *
 * <p>Treated as immutable once published: a decoder allocates a fresh frame (or takes one from its
 * own pool) for every picture and never writes to a frame it has handed on. Readers on other threads
 * may therefore keep a reference as the participant's "latest frame".
 */
public final class I420Frame {
    private final int width;
    private final int height;
    private final byte[] data;
    private final long timestampMicros;

    public I420Frame(int width, int height, byte[] data, long timestampMicros) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
        }
        if (data.length < sizeOf(width, height)) {
            throw new IllegalArgumentException("I420 " + width + "x" + height + " needs " + sizeOf(width, height)
                    + " bytes, got " + data.length);
        }
        this.width = width;
        this.height = height;
        this.data = data;
        this.timestampMicros = timestampMicros;
    }

    /** A frame of one colour, given as Y, U and V (BT.601 limited range, as the codecs use). */
    public static I420Frame solid(int width, int height, int y, int u, int v) {
        byte[] data = new byte[sizeOf(width, height)];
        int lumaSize = width * height;
        int chromaSize = chromaWidth(width) * chromaHeight(height);
        Arrays.fill(data, 0, lumaSize, (byte) y);
        Arrays.fill(data, lumaSize, lumaSize + chromaSize, (byte) u);
        Arrays.fill(data, lumaSize + chromaSize, lumaSize + 2 * chromaSize, (byte) v);
        return new I420Frame(width, height, data, 0);
    }

    public static int sizeOf(int width, int height) {
        return width * height + 2 * chromaWidth(width) * chromaHeight(height);
    }

    public static int chromaWidth(int width) {
        return (width + 1) >> 1;
    }

    public static int chromaHeight(int height) {
        return (height + 1) >> 1;
    }

    public int width() { return width; }
    public int height() { return height; }
    public byte[] data() { return data; }
    public long timestampMicros() { return timestampMicros; }

    public int strideY() { return width; }
    public int strideU() { return chromaWidth(width); }
    public int strideV() { return chromaWidth(width); }
    public int offsetY() { return 0; }
    public int offsetU() { return width * height; }
    public int offsetV() { return width * height + chromaWidth(width) * chromaHeight(height); }

    public int lumaAt(int x, int y) { return data[y * width + x] & 0xff; }
    public int uAt(int x, int y) { return data[offsetU() + (y >> 1) * strideU() + (x >> 1)] & 0xff; }
    public int vAt(int x, int y) { return data[offsetV() + (y >> 1) * strideV() + (x >> 1)] & 0xff; }

    public I420Frame withTimestamp(long micros) {
        return new I420Frame(width, height, data, micros);
    }

    @Override
    public String toString() {
        return "I420Frame[" + width + "x" + height + " @" + timestampMicros + "us]";
    }
}
