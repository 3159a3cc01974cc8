package dev.mcu.bench.jmh;

import dev.mcu.media.I420Frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A candidate for the 2:1 tile fit ({@link HalfScaleBenchmark}; measured 1.4-2.3x swscale's CPU, so
 * not used): the 2:1 downscale of an I420 picture that swscale's {@code SWS_BILINEAR} makes on x86
 * (and so ffmpeg's {@code scale=W/2:H/2:flags=bilinear}, the picture the received tiles are judged
 * against), byte for byte, in Java.
 *
 * <p>At 2:1 swscale's bilinear filter is a tent two source pixels wide on each side, centred between
 * the two source pixels an output pixel covers: taps (1, 3, 3, 1) / 8 on source pixels 2i-1 .. 2i+2,
 * separable, with a tap outside the picture folded onto the edge pixel. The horizontal pass is exact
 * (14-bit coefficients into a 15-bit intermediate, 16 x the sum H). The vertical pass on x86 is
 * {@code ff_yuv2yuvX}: each tap's product truncated on its own ({@code pmulhw}: H/8 or 3H/8, H/2
 * for the folded top tap), 5 added and shifted right by 3; except for the last two output rows
 * (the last chroma row), which swscale filters in C: {@code (sum + 32) >> 6}. Worked out against
 * swscale's output and checked byte for byte in {@code HalvingCandidatesTest}.
 *
 * <p>How: eight source columns are read as one long and filtered four outputs at a time in 16-bit
 * lanes of a long (no lane exceeds 8 x 8 x 255 + 32); the truncations need the horizontal pass
 * first, so each source row's horizontal sums are kept in a four-row ring. Widths that are not a
 * multiple of 8 take a plain per-pixel path. The source may be a heap or a direct (native) buffer,
 * so a decoder could read libavcodec's picture where it lies.
 *
 * <p>Stateless; any thread.
 */
final class BilinearHalving {
    /** Output rows at the bottom of a plane that swscale filters in C: the last two luma rows (their one chroma row). */
    static final int LUMA_EXACT_ROWS = 2;
    static final int CHROMA_EXACT_ROWS = 1;
    /** Below this many output pixels on a chroma side swscale shortens its filter; this class does not follow it there. */
    private static final int MIN_CHROMA_SIDE = 4;
    private static final long EVEN_BYTES = 0x00FF00FF00FF00FFL;
    private static final long LANE_13_BITS = 0x1FFF1FFF1FFF1FFFL;
    private static final long LANE_15_BITS = 0x7FFF7FFF7FFF7FFFL;
    private static final long HALF_IN_EACH_LANE = 0x0020002000200020L; // rounding of the C filter's >> 6
    private static final long FIVE_IN_EACH_LANE = 0x0005000500050005L;  // the x86 filter's rounding, see the class comment
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private BilinearHalving() {
    }

    /** True when swscale would scale {@code sourceWidth x sourceHeight} to {@code width x height} by exactly 2:1 on every I420 plane. */
    static boolean isHalf(int sourceWidth, int sourceHeight, int width, int height) {
        return width >= 2 * MIN_CHROMA_SIDE && height >= 2 * MIN_CHROMA_SIDE && width % 2 == 0 && height % 2 == 0
                && sourceWidth == 2 * width && sourceHeight == 2 * height;
    }

    /**
     * Halves an I420 picture whose planes start at position 0 of {@code y}, {@code u} and
     * {@code v} (heap or direct buffers, any byte order) into a new, tightly packed frame.
     * Requires {@link #isHalf} of its size and half of it.
     */
    static I420Frame halve(int sourceWidth, int sourceHeight, ByteBuffer y, int strideY, ByteBuffer u, int strideU,
                                  ByteBuffer v, int strideV, long timestampMicros) {
        int width = sourceWidth / 2;
        int height = sourceHeight / 2;
        if (!isHalf(sourceWidth, sourceHeight, width, height)) {
            throw new IllegalArgumentException("not a 2:1 I420 picture: " + sourceWidth + "x" + sourceHeight);
        }
        int chromaWidth = width / 2;
        int chromaHeight = height / 2;
        byte[] out = new byte[I420Frame.sizeOf(width, height)];
        halvePlane(littleEndian(y), 0, strideY, sourceWidth, sourceHeight, out, 0, width, LUMA_EXACT_ROWS);
        halvePlane(littleEndian(u), 0, strideU, width, height, out, width * height, chromaWidth, CHROMA_EXACT_ROWS);
        halvePlane(littleEndian(v), 0, strideV, width, height, out, width * height + chromaWidth * chromaHeight,
                chromaWidth, CHROMA_EXACT_ROWS);
        return new I420Frame(width, height, out, timestampMicros);
    }

    /** Halves an I420 frame on the heap; requires {@link #isHalf} of its size and half of it. */
    static I420Frame halve(I420Frame frame) {
        ByteBuffer data = ByteBuffer.wrap(frame.data());
        return halve(frame.width(), frame.height(), data.slice(frame.offsetY(), frame.offsetU() - frame.offsetY()), frame.strideY(),
                data.slice(frame.offsetU(), frame.offsetV() - frame.offsetU()), frame.strideU(),
                data.slice(frame.offsetV(), frame.data().length - frame.offsetV()), frame.strideV(), frame.timestampMicros());
    }

    private static ByteBuffer littleEndian(ByteBuffer buffer) {
        return buffer.order() == ByteOrder.LITTLE_ENDIAN ? buffer : buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Halves one plane of {@code sourceWidth x sourceHeight} (both even) at {@code sourceOffset} of
     * {@code source}, which must be little-endian, into {@code out} at {@code outOffset} with rows
     * {@code outStride} apart, as swscale's x86 vertical filter rounds; its last
     * {@code exactRows} rows as swscale's C filter does (see the class comment). Writes exactly
     * {@code sourceWidth / 2} bytes per output row.
     */
    static void halvePlane(ByteBuffer source, int sourceOffset, int sourceStride, int sourceWidth, int sourceHeight,
                                  byte[] out, int outOffset, int outStride, int exactRows) {
        if (source.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("the source buffer must be little-endian");
        }
        int height = sourceHeight / 2;
        if (sourceWidth % 8 != 0) {
            for (int row = 0; row < height; row++) {
                halveRow(source, sourceOffset, sourceStride, sourceWidth, sourceHeight, row, row >= height - exactRows,
                        out, outOffset + row * outStride);
            }
            return;
        }
        int steps = sourceWidth >> 3;
        long[] sums = new long[4 * steps]; // horizontal sums of four source rows, row r in slot r & 3
        int summedRows = 0;
        for (int row = 0; row < height; row++) {
            int lastNeeded = Math.min(2 * row + 2, sourceHeight - 1);
            for (; summedRows <= lastNeeded; summedRows++) {
                sumRowInLanes(source, sourceOffset + summedRows * sourceStride, steps, sums, (summedRows & 3) * steps);
            }
            int above = (Math.max(2 * row - 1, 0) & 3) * steps;
            int top = ((2 * row) & 3) * steps;
            int bottom = ((2 * row + 1) & 3) * steps;
            int below = (lastNeeded & 3) * steps;
            int outRow = outOffset + row * outStride;
            if (row >= height - exactRows) {
                exactRowInLanes(sums, above, top, bottom, below, steps, out, outRow);
            } else if (row == 0) {
                firstRowInLanes(sums, top, bottom, below, steps, out, outRow);
            } else {
                rowInLanes(sums, above, top, bottom, below, steps, out, outRow);
            }
        }
    }

    /**
     * The horizontal (1, 3, 3, 1) sums of one source row, four outputs per long: for the eight
     * columns of a step, E holds its even columns in four 16-bit lanes and O its odd ones; output k
     * of the step is O[k-1] + 3 E[k] + 3 O[k] + E[k+1], the outer two from the neighbouring steps
     * (or the edge column at the row's ends).
     */
    private static void sumRowInLanes(ByteBuffer in, int rowOffset, int steps, long[] sums, int slot) {
        long pixels = in.getLong(rowOffset);
        long even = pixels & EVEN_BYTES;
        long odd = (pixels >>> 8) & EVEN_BYTES;
        long leftOdd = even << 48; // column -1 is column 0
        for (int step = 0; step < steps; step++) {
            long nextEven;
            long nextOdd;
            if (step + 1 < steps) {
                long next = in.getLong(rowOffset + ((step + 1) << 3));
                nextEven = next & EVEN_BYTES;
                nextOdd = (next >>> 8) & EVEN_BYTES;
            } else {
                nextEven = odd >>> 48; // column `width` is column width - 1
                nextOdd = 0;
            }
            long inner = even + odd;
            sums[slot + step] = ((odd << 16) | (leftOdd >>> 48)) + ((even >>> 16) | (nextEven << 48)) + inner + (inner << 1);
            leftOdd = odd;
            even = nextEven;
            odd = nextOdd;
        }
    }

    /** swscale's x86 vertical filter: each tap's product truncated (pmulhw), 5 added, then >> 3. */
    private static void rowInLanes(long[] sums, int above, int top, int bottom, int below, int steps, byte[] out, int outOffset) {
        for (int step = 0; step < steps; step++) {
            long a = sums[above + step];
            long b = sums[top + step];
            long c = sums[bottom + step];
            long d = sums[below + step];
            long sum = ((a >>> 3) & LANE_13_BITS) + (((b + (b << 1)) >>> 3) & LANE_13_BITS)
                    + (((c + (c << 1)) >>> 3) & LANE_13_BITS) + ((d >>> 3) & LANE_13_BITS) + FIVE_IN_EACH_LANE;
            store(out, outOffset + (step << 2), (sum >>> 3) & EVEN_BYTES);
        }
    }

    /** The first row: the tap above the picture folded onto row 0, whose weight is 4/8 (one product, not two). */
    private static void firstRowInLanes(long[] sums, int top, int bottom, int below, int steps, byte[] out, int outOffset) {
        for (int step = 0; step < steps; step++) {
            long b = sums[top + step];
            long c = sums[bottom + step];
            long d = sums[below + step];
            long sum = ((b >>> 1) & LANE_15_BITS) + (((c + (c << 1)) >>> 3) & LANE_13_BITS)
                    + ((d >>> 3) & LANE_13_BITS) + FIVE_IN_EACH_LANE;
            store(out, outOffset + (step << 2), (sum >>> 3) & EVEN_BYTES);
        }
    }

    /** swscale's C vertical filter: the whole sum rounded once. */
    private static void exactRowInLanes(long[] sums, int above, int top, int bottom, int below, int steps, byte[] out, int outOffset) {
        for (int step = 0; step < steps; step++) {
            long a = sums[above + step];
            long d = sums[below + step];
            long inner = sums[top + step] + sums[bottom + step];
            long sum = a + d + inner + (inner << 1) + HALF_IN_EACH_LANE;
            store(out, outOffset + (step << 2), (sum >>> 6) & EVEN_BYTES);
        }
    }

    /** Four pixel values, one in the low byte of each 16-bit lane, written as four bytes. */
    private static void store(byte[] out, int offset, long pixels) {
        long packed = pixels | (pixels >>> 8);
        INT_LE.set(out, offset, (int) (packed & 0xFFFF) | (int) ((packed >>> 16) & 0xFFFF0000L));
    }

    /** The same filters one pixel at a time, for widths the lanes do not divide. */
    private static void halveRow(ByteBuffer in, int offset, int stride, int width, int sourceHeight, int row, boolean exact,
                                 byte[] out, int outOffset) {
        int above = offset + Math.max(2 * row - 1, 0) * stride;
        int top = offset + 2 * row * stride;
        int bottom = top + stride;
        int below = offset + Math.min(2 * row + 2, sourceHeight - 1) * stride;
        for (int x = 0; x < width / 2; x++) {
            int a = horizontalSum(in, above, width, x);
            int b = horizontalSum(in, top, width, x);
            int c = horizontalSum(in, bottom, width, x);
            int d = horizontalSum(in, below, width, x);
            int value;
            if (exact) {
                value = (a + 3 * b + 3 * c + d + 32) >> 6;
            } else if (row == 0) {
                value = ((b >> 1) + ((3 * c) >> 3) + (d >> 3) + 5) >> 3;
            } else {
                value = ((a >> 3) + ((3 * b) >> 3) + ((3 * c) >> 3) + (d >> 3) + 5) >> 3;
            }
            out[outOffset + x] = (byte) value;
        }
    }

    private static int horizontalSum(ByteBuffer in, int rowOffset, int width, int x) {
        int left = Math.max(2 * x - 1, 0);
        int right = Math.min(2 * x + 2, width - 1);
        return (in.get(rowOffset + left) & 0xff) + 3 * ((in.get(rowOffset + 2 * x) & 0xff) + (in.get(rowOffset + 2 * x + 1) & 0xff))
                + (in.get(rowOffset + right) & 0xff);
    }
}
