package dev.mcu.decoder;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * The grid's 2:1 and 4:1 tile fits in native code of our own ({@code src/main/native/tent_fit.h},
 * built by JavaCPP with the module): swscale's bilinear picture at those ratios within a level (the
 * same tents, rounded once), for about a third of zimg's CPU at 2:1. Neither swscale nor zimg has a
 * path for whole ratios: both resize through 16-bit intermediates in several passes, and without SIMD
 * the same tent in Java cost more than either (issue 12, sessions 13 and 22 in docs/benchmarks.md).
 * Writes straight into the heap picture (a JNI critical region of ~20–35 µs), so nothing native is
 * allocated. Stateless; any thread. Where the library does not load (another CPU or system than the
 * build's) it says so in {@link #unavailableReason()} and the decoders fit with zimg.
 */
public final class TentFit {
    private static final int MAX_WIDTH = 8192; // TENT_FIT_MAX_WIDTH

    private TentFit() {
    }

    /** Whether the native kernel loaded. */
    public static boolean available() {
        return TentFitKernel.UNAVAILABLE_REASON == null;
    }

    /** Why the native kernel did not load, or null when it did. */
    public static String unavailableReason() {
        return TentFitKernel.UNAVAILABLE_REASON;
    }

    /**
     * Whether the kernel shrinks this picture by {@code ratio} (2 or 4): yuv420p, rows top to bottom,
     * both sides multiples of twice the ratio (so the chroma planes shrink whole), at most 8,192 wide.
     */
    public static boolean takes(AVFrame picture, int ratio) {
        int width = picture.width();
        int height = picture.height();
        int multiple = 2 * ratio;
        return available() && (ratio == 2 || ratio == 4) && picture.format() == AV_PIX_FMT_YUV420P
                && width >= multiple && height >= multiple && width % multiple == 0 && height % multiple == 0
                && width <= MAX_WIDTH
                && picture.linesize(0) >= width && picture.linesize(1) >= width / 2 && picture.linesize(2) >= width / 2;
    }

    /** The picture halved on each side, or null when the kernel does not take it ({@link #takes}). */
    public static I420Frame halve(AVFrame picture, long timestampMicros) {
        return shrink(picture, 2, timestampMicros);
    }

    /** The picture shrunk to a quarter on each side, or null when the kernel does not take it ({@link #takes}). */
    public static I420Frame quarter(AVFrame picture, long timestampMicros) {
        return shrink(picture, 4, timestampMicros);
    }

    private static I420Frame shrink(AVFrame picture, int ratio, long timestampMicros) {
        if (!takes(picture, ratio)) {
            return null;
        }
        int width = picture.width() / ratio;
        int height = picture.height() / ratio;
        byte[] out = new byte[I420Frame.sizeOf(width, height)];
        int refused = TentFitKernel.tent_fit_i420(picture.data(0).address(), picture.linesize(0),
                picture.data(1).address(), picture.linesize(1), picture.data(2).address(), picture.linesize(2),
                picture.width(), picture.height(), ratio, out);
        return refused == 0 ? new I420Frame(width, height, out, timestampMicros) : null;
    }
}
