package dev.mcu.bench.jmh;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.Random;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

/**
 * Camera-like I420 pictures for the benchmarks: flat blocks of random colour (compressible, unlike
 * noise) on a gradient, different for every seed, and horizontal pans of one wide picture for
 * encoders that need motion. Built once in a benchmark's setup; stateless, any thread.
 */
final class SyntheticPictures {
    private static final int BLOCK = 16;

    private SyntheticPictures() {
    }

    /** A picture of {@code width x height} that differs for every seed. */
    static I420Frame picture(int width, int height, long seed) {
        return crop(texture(width, height, seed), width, width, height, 0);
    }

    /**
     * The picture in a native yuv420p AVFrame with FFmpeg's padded linesizes, as a decoder hands one
     * out; the caller owns it ({@code av_frame_free}).
     */
    static AVFrame nativeCopy(I420Frame content) {
        AVFrame frame = av_frame_alloc();
        frame.width(content.width()).height(content.height()).format(AV_PIX_FMT_YUV420P);
        if (av_frame_get_buffer(frame, 0) < 0) {
            av_frame_free(frame);
            throw new IllegalStateException("no picture buffer for " + content.width() + "x" + content.height());
        }
        int chromaWidth = I420Frame.chromaWidth(content.width());
        for (int row = 0; row < content.height(); row++) {
            frame.data(0).position((long) row * frame.linesize(0)).put(content.data(), content.offsetY() + row * content.strideY(), content.width());
        }
        for (int row = 0; row < I420Frame.chromaHeight(content.height()); row++) {
            frame.data(1).position((long) row * frame.linesize(1)).put(content.data(), content.offsetU() + row * content.strideU(), chromaWidth);
            frame.data(2).position((long) row * frame.linesize(2)).put(content.data(), content.offsetV() + row * content.strideV(), chromaWidth);
        }
        return frame;
    }

    /**
     * Frames {@code 0..count-1} of a pan across a picture 2x as wide: frame k starts 4k pixels to
     * the right, so consecutive frames differ by real motion, as a camera pan does.
     */
    static I420Frame[] pan(int width, int height, int count, long seed) {
        int textureWidth = 2 * width;
        byte[] texture = texture(textureWidth, height, seed);
        I420Frame[] frames = new I420Frame[count];
        for (int k = 0; k < count; k++) {
            int x = Math.min(textureWidth - width, 4 * k) & ~1;
            frames[k] = crop(texture, textureWidth, width, height, x);
        }
        return frames;
    }

    private static byte[] texture(int width, int height, long seed) {
        Random random = new Random(seed);
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        for (int by = 0; by < height; by += BLOCK) {
            for (int bx = 0; bx < width; bx += BLOCK) {
                int base = 16 + random.nextInt(180);
                for (int y = by; y < Math.min(by + BLOCK, height); y++) {
                    for (int x = bx; x < Math.min(bx + BLOCK, width); x++) {
                        data[y * width + x] = (byte) (base + (x + y) % 40); // a gradient inside each block
                    }
                }
            }
        }
        int offsetU = width * height;
        int offsetV = offsetU + chromaWidth * chromaHeight;
        for (int by = 0; by < chromaHeight; by += BLOCK / 2) {
            for (int bx = 0; bx < chromaWidth; bx += BLOCK / 2) {
                byte u = (byte) (64 + random.nextInt(128));
                byte v = (byte) (64 + random.nextInt(128));
                for (int y = by; y < Math.min(by + BLOCK / 2, chromaHeight); y++) {
                    for (int x = bx; x < Math.min(bx + BLOCK / 2, chromaWidth); x++) {
                        data[offsetU + y * chromaWidth + x] = u;
                        data[offsetV + y * chromaWidth + x] = v;
                    }
                }
            }
        }
        return data;
    }

    /** The {@code width x height} window at column {@code x} (even) of a wider I420 texture. */
    private static I420Frame crop(byte[] texture, int textureWidth, int width, int height, int x) {
        int textureHeight = height;
        int textureChromaWidth = I420Frame.chromaWidth(textureWidth);
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        for (int row = 0; row < height; row++) {
            System.arraycopy(texture, row * textureWidth + x, data, row * width, width);
        }
        int textureU = textureWidth * textureHeight;
        int textureV = textureU + textureChromaWidth * chromaHeight;
        int offsetU = width * height;
        int offsetV = offsetU + chromaWidth * chromaHeight;
        for (int row = 0; row < chromaHeight; row++) {
            System.arraycopy(texture, textureU + row * textureChromaWidth + x / 2, data, offsetU + row * chromaWidth, chromaWidth);
            System.arraycopy(texture, textureV + row * textureChromaWidth + x / 2, data, offsetV + row * chromaWidth, chromaWidth);
        }
        return new I420Frame(width, height, data, 0);
    }
}
