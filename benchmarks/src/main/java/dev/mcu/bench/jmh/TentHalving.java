package dev.mcu.bench.jmh;

import dev.mcu.media.I420Frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A candidate for the 2:1 tile fit (issue 12, {@link HalfScaleBenchmark}): the same (1, 3, 3, 1) / 8
 * tent as swscale's bilinear at 2:1, rounded once as swscale's C filter does,
 * {@code (sum + 32) >> 6}, so it differs from swscale's x86 output (whose vertical taps are each
 * truncated, {@link BilinearHalving}) by one level on a few percent of pixels. That frees the
 * order of the passes: vertical first, straight from the four source rows' bytes (eight columns per
 * long, split into even and odd 16-bit lanes), then horizontal in the lanes, so each output row
 * reads its source rows once and nothing is stored between the passes. Source widths must be a
 * multiple of 8.
 *
 * <p>Stateless; any thread.
 */
final class TentHalving {
    private static final long EVEN_BYTES = 0x00FF00FF00FF00FFL;
    private static final long HALF_IN_EACH_LANE = 0x0020002000200020L;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private TentHalving() {
    }

    /** Halves an I420 picture (planes at position 0 of each buffer) into a new packed frame. */
    static I420Frame halve(int sourceWidth, int sourceHeight, ByteBuffer y, int strideY, ByteBuffer u, int strideU,
                           ByteBuffer v, int strideV, long timestampMicros) {
        int width = sourceWidth / 2;
        int height = sourceHeight / 2;
        int chromaWidth = width / 2;
        int chromaHeight = height / 2;
        byte[] out = new byte[I420Frame.sizeOf(width, height)];
        halvePlane(y.duplicate().order(ByteOrder.LITTLE_ENDIAN), strideY, sourceWidth, sourceHeight, out, 0, width);
        halvePlane(u.duplicate().order(ByteOrder.LITTLE_ENDIAN), strideU, width, height, out, width * height, chromaWidth);
        halvePlane(v.duplicate().order(ByteOrder.LITTLE_ENDIAN), strideV, width, height, out,
                width * height + chromaWidth * chromaHeight, chromaWidth);
        return new I420Frame(width, height, out, timestampMicros);
    }

    /** One plane (source width a multiple of 8, height even) into {@code out} at {@code outOffset}, rows {@code outStride} apart. */
    static void halvePlane(ByteBuffer in, int stride, int sourceWidth, int sourceHeight, byte[] out, int outOffset, int outStride) {
        int steps = sourceWidth >> 3;
        for (int row = 0; row < sourceHeight / 2; row++) {
            int above = Math.max(2 * row - 1, 0) * stride;
            int top = 2 * row * stride;
            int bottom = top + stride;
            int below = Math.min(2 * row + 2, sourceHeight - 1) * stride;
            int outRow = outOffset + row * outStride;
            long a = in.getLong(above);
            long b = in.getLong(top);
            long c = in.getLong(bottom);
            long d = in.getLong(below);
            long even = verticalSum(a & EVEN_BYTES, b & EVEN_BYTES, c & EVEN_BYTES, d & EVEN_BYTES);
            long odd = verticalSum((a >>> 8) & EVEN_BYTES, (b >>> 8) & EVEN_BYTES, (c >>> 8) & EVEN_BYTES, (d >>> 8) & EVEN_BYTES);
            long leftOdd = even << 48; // column -1 is column 0
            for (int step = 0; step < steps; step++) {
                long nextEven;
                long nextOdd;
                if (step + 1 < steps) {
                    int x = (step + 1) << 3;
                    a = in.getLong(above + x);
                    b = in.getLong(top + x);
                    c = in.getLong(bottom + x);
                    d = in.getLong(below + x);
                    nextEven = verticalSum(a & EVEN_BYTES, b & EVEN_BYTES, c & EVEN_BYTES, d & EVEN_BYTES);
                    nextOdd = verticalSum((a >>> 8) & EVEN_BYTES, (b >>> 8) & EVEN_BYTES, (c >>> 8) & EVEN_BYTES, (d >>> 8) & EVEN_BYTES);
                } else {
                    nextEven = odd >>> 48; // column `width` is column width - 1
                    nextOdd = 0;
                }
                long inner = even + odd;
                long sum = ((odd << 16) | (leftOdd >>> 48)) + ((even >>> 16) | (nextEven << 48))
                        + inner + (inner << 1) + HALF_IN_EACH_LANE;
                long pixels = (sum >>> 6) & EVEN_BYTES;
                long packed = pixels | (pixels >>> 8);
                INT_LE.set(out, outRow + (step << 2), (int) (packed & 0xFFFF) | (int) ((packed >>> 16) & 0xFFFF0000L));
                leftOdd = odd;
                even = nextEven;
                odd = nextOdd;
            }
        }
    }

    private static long verticalSum(long above, long top, long bottom, long below) {
        long inner = top + bottom;
        return above + below + inner + (inner << 1);
    }
}
