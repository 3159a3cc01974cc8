package dev.mcu.decoder;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * The grid's 2:1 tile fit in native code of our own ({@code src/main/native/tent_halving.h}, built
 * by JavaCPP with the module): swscale's bilinear picture at 2:1 within one level (the same tent,
 * rounded once), for about a third of zimg's CPU. Neither swscale nor zimg has a 2:1 path: both
 * resize through 16-bit intermediates in several passes, and without SIMD the same tent in Java cost
 * more than either (issue 12, sessions 13 and 22 in docs/benchmarks.md). Writes straight into the
 * heap picture (a JNI critical region of ~20 µs), so nothing native is allocated. Stateless; any
 * thread. Where the library does not load (another CPU or system than the build's) it says so
 * in {@link #unavailableReason()} and the decoders fit with zimg.
 */
public final class TentHalving {
    private TentHalving() {
    }

    /** Whether the native kernel loaded. */
    public static boolean available() {
        return TentHalvingKernel.UNAVAILABLE_REASON == null;
    }

    /** Why the native kernel did not load, or null when it did. */
    public static String unavailableReason() {
        return TentHalvingKernel.UNAVAILABLE_REASON;
    }

    /** Whether {@link #halve} takes this picture: yuv420p, both sides multiples of 4, at most 8,192 wide. */
    public static boolean takes(AVFrame picture) {
        int width = picture.width();
        int height = picture.height();
        return available() && picture.format() == AV_PIX_FMT_YUV420P && width >= 4 && height >= 4
                && (width & 3) == 0 && (height & 3) == 0 && width <= 8192
                && picture.linesize(0) >= width && picture.linesize(1) >= width / 2 && picture.linesize(2) >= width / 2;
    }

    /** The picture halved on each side, or null when the kernel does not take it ({@link #takes}). */
    public static I420Frame halve(AVFrame picture, long timestampMicros) {
        if (!takes(picture)) {
            return null;
        }
        int width = picture.width() / 2;
        int height = picture.height() / 2;
        byte[] out = new byte[I420Frame.sizeOf(width, height)];
        int refused = TentHalvingKernel.tent_halve_i420(picture.data(0).address(), picture.linesize(0), picture.data(1).address(), picture.linesize(1),
                picture.data(2).address(), picture.linesize(2), picture.width(), picture.height(), out);
        return refused == 0 ? new I420Frame(width, height, out, timestampMicros) : null;
    }
}
