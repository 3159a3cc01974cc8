package dev.mcu.bench.jmh;

import dev.mcu.decoder.ZscaleFit;
import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java candidates of {@link HalfScaleBenchmark} make the picture they claim, so their speed is
 * comparable with swscale's: {@link BilinearHalving} is swscale's {@code SWS_BILINEAR} 2:1 byte for
 * byte (noise, flat and black-and-white pictures, so every rounding path is hit), {@link TentHalving}
 * is within one level of it everywhere, {@link ZscaleFit} (the decoder's fit) within a fraction of a level on average.
 */
class HalvingCandidatesTest {

    @ParameterizedTest(name = "{0}x{1}, {2}")
    @CsvSource({
            "640, 360, noise", "640, 360, flat white", "640, 360, black and white",
            "1280, 720, noise",
            "16, 16, noise",                  // the smallest picture it takes: chroma 8x8 to 4x4
            "36, 20, noise", "644, 364, noise" // widths the 8-column lanes do not divide: the per-pixel path
    })
    void bilinearHalvingIsSwscaleBilinearByteForByte(int width, int height, String content) {
        I420Frame source = picture(width, height, content);

        I420Frame halved = BilinearHalving.halve(source);

        assertEquals(width / 2, halved.width());
        assertEquals(height / 2, halved.height());
        assertArrayEquals(swscaleBilinear(source), halved.data());
    }

    @ParameterizedTest(name = "{0}x{1}, {2}")
    @CsvSource({"640, 360, noise", "640, 360, black and white", "1280, 720, noise", "16, 16, noise"})
    void tentHalvingIsWithinOneLevelOfSwscaleBilinear(int width, int height, String content) {
        I420Frame source = picture(width, height, content);
        ByteBuffer data = ByteBuffer.wrap(source.data());

        I420Frame halved = TentHalving.halve(width, height, data.slice(source.offsetY(), source.offsetU()), source.strideY(),
                data.slice(source.offsetU(), source.offsetV() - source.offsetU()), source.strideU(),
                data.slice(source.offsetV(), source.data().length - source.offsetV()), source.strideV(), 0);

        byte[] reference = swscaleBilinear(source);
        for (int i = 0; i < reference.length; i++) {
            int difference = Math.abs((reference[i] & 0xff) - (halved.data()[i] & 0xff));
            assertTrue(difference <= 1, "byte " + i + " differs by " + difference);
        }
    }

    /**
     * zimg's bilinear (libavfilter's {@code zscale}) with chroma sited as swscale sites it is the same
     * tent at 2:1, rounded once (0.03–0.17 levels from swscale's picture on average): a fair candidate.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"noise", "black and white", "synthetic"})
    void zscaleBilinearGivesPracticallySwscalesPicture(String content) {
        I420Frame source = content.equals("synthetic") ? SyntheticPictures.picture(640, 360, 7) : picture(640, 360, content);
        byte[] reference = swscaleBilinear(source);
        AVFrame in = av_frame_alloc();
        in.width(640).height(360).format(AV_PIX_FMT_YUV420P);
        assertEquals(0, av_frame_get_buffer(in, 0));
        putPlane(in, 0, source.data(), source.offsetY(), 640, 360);
        putPlane(in, 1, source.data(), source.offsetU(), 320, 180);
        putPlane(in, 2, source.data(), source.offsetV(), 320, 180);
        try (ZscaleFit zscale = new ZscaleFit(in, 320, 180)) {
            AVFrame out = zscale.fit(in);

            assertEquals(320, out.width());
            assertEquals(180, out.height());
            byte[] scaled = new byte[reference.length];
            getPlane(out, 0, scaled, 0, 320, 180);
            getPlane(out, 1, scaled, 320 * 180, 160, 90);
            getPlane(out, 2, scaled, 320 * 180 + 160 * 90, 160, 90);
            double[] lumaAndChroma = {meanDifference(reference, scaled, 0, 320 * 180),
                    meanDifference(reference, scaled, 320 * 180, reference.length)};
            double interior = 0;
            for (int row = 2; row < 178; row++) {
                interior += meanDifference(reference, scaled, row * 320 + 2, row * 320 + 318) / 176;
            }
            System.out.printf("zscale bilinear against swscale bilinear, %s: mean difference luma %.3f (inside a 2-pixel border %.3f), chroma %.3f%n",
                    content, lumaAndChroma[0], interior, lumaAndChroma[1]);
            assertTrue(lumaAndChroma[0] <= 0.25, "luma differs by " + lumaAndChroma[0] + " levels on average");
            assertTrue(lumaAndChroma[1] <= 0.25, "chroma differs by " + lumaAndChroma[1] + " levels on average");
        } finally {
            av_frame_free(in);
        }
    }

    private static double meanDifference(byte[] a, byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / (to - from);
    }

    private static void putPlane(AVFrame frame, int plane, byte[] data, int offset, int width, int height) {
        for (int row = 0; row < height; row++) {
            frame.data(plane).position((long) row * frame.linesize(plane)).put(data, offset + row * width, width);
        }
    }

    private static void getPlane(AVFrame frame, int plane, byte[] out, int offset, int width, int height) {
        for (int row = 0; row < height; row++) {
            frame.data(plane).position((long) row * frame.linesize(plane)).get(out, offset + row * width, width);
        }
    }

    private static I420Frame picture(int width, int height, String content) {
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        Random random = new Random(width * 31L + height);
        switch (content) {
            case "noise" -> random.nextBytes(data);
            case "flat white" -> java.util.Arrays.fill(data, (byte) 255);
            case "black and white" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = random.nextBoolean() ? 0 : (byte) 255;
                }
            }
            default -> throw new IllegalArgumentException(content);
        }
        return new I420Frame(width, height, data, 0);
    }

    /** swscale called as the decoder calls it, into a padded native picture, packed again on the way out. */
    private static byte[] swscaleBilinear(I420Frame source) {
        int width = source.width() / 2;
        int height = source.height() / 2;
        int strideY = (width + 127) & -64;
        int strideChroma = (width / 2 + 127) & -64;
        SwsContext context = sws_getContext(source.width(), source.height(), AV_PIX_FMT_YUV420P, width, height,
                AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (DoublePointer) null);
        try (BytePointer in = new BytePointer(source.data().length + 128L);
             BytePointer out = new BytePointer((long) strideY * height + strideChroma * height + 256L);
             PointerPointer<BytePointer> inPlanes = new PointerPointer<>(3);
             PointerPointer<BytePointer> outPlanes = new PointerPointer<>(3);
             IntPointer inStrides = new IntPointer(source.strideY(), source.strideU(), source.strideV());
             IntPointer outStrides = new IntPointer(strideY, strideChroma, strideChroma)) {
            in.put(source.data(), 0, source.data().length);
            inPlanes.put(0, in.getPointer(source.offsetY())).put(1, in.getPointer(source.offsetU())).put(2, in.getPointer(source.offsetV()));
            long offsetU = (long) strideY * height;
            long offsetV = offsetU + (long) strideChroma * (height / 2);
            outPlanes.put(0, out.getPointer(0)).put(1, out.getPointer(offsetU)).put(2, out.getPointer(offsetV));
            assertEquals(height, sws_scale(context, inPlanes, inStrides, 0, source.height(), outPlanes, outStrides));
            byte[] packed = new byte[I420Frame.sizeOf(width, height)];
            for (int row = 0; row < height; row++) {
                out.position((long) row * strideY).get(packed, row * width, width);
            }
            int chromaWidth = width / 2;
            for (int row = 0; row < height / 2; row++) {
                out.position(offsetU + (long) row * strideChroma).get(packed, width * height + row * chromaWidth, chromaWidth);
                out.position(offsetV + (long) row * strideChroma)
                        .get(packed, width * height + chromaWidth * (height / 2) + row * chromaWidth, chromaWidth);
            }
            return packed;
        } finally {
            sws_freeContext(context);
        }
    }
}
