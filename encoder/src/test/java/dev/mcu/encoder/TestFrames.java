package dev.mcu.encoder;

import dev.mcu.media.I420Frame;

import java.util.Random;

/** Test helper: synthetic pictures. */
final class TestFrames {
    private TestFrames() {
    }

    /**
     * A mosaic of random flat blocks ({@code block} pixels square, half that in chroma), new for every seed: hard enough to make
     * frames many times an MTU at a high bit rate, yet compressible, unlike pure noise (which
     * openh264 refuses to encode once a frame would exceed the raw picture size).
     */
    static I420Frame mosaic(int width, int height, int block, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        fillBlocks(data, 0, width, height, block, random);
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        fillBlocks(data, width * height, chromaWidth, chromaHeight, Math.max(1, block / 2), random);
        fillBlocks(data, width * height + chromaWidth * chromaHeight, chromaWidth, chromaHeight, Math.max(1, block / 2), random);
        return new I420Frame(width, height, data, 0);
    }

    private static void fillBlocks(byte[] data, int offset, int width, int height, int block, Random random) {
        for (int by = 0; by < height; by += block) {
            for (int bx = 0; bx < width; bx += block) {
                byte value = (byte) (16 + random.nextInt(220));
                for (int y = by; y < Math.min(by + block, height); y++) {
                    for (int x = bx; x < Math.min(bx + block, width); x++) {
                        data[offset + y * width + x] = value;
                    }
                }
            }
        }
    }
}
