package dev.mcu.decoder;

import dev.mcu.media.I420Frame;
import dev.mcu.media.PictureFit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;

import java.nio.ByteBuffer;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * Copies a decoded AVFrame out into a tightly packed {@link I420Frame}, honouring each plane's
 * linesize. Pictures in another pixel format (yuvj420p from MJPEG-minded encoders, 4:2:2 or 4:4:4
 * H.264) or wanted at another size (fitted to the tile that shows them, {@link PictureFit}) go
 * through swscale first, in one pass while the picture is still native; the SwsContext and its
 * output frame are cached and rebuilt only when a size or the format changes. A yuv420p picture that
 * only needs fitting goes through zimg instead ({@link ZscaleFit}: swscale's bilinear picture within a
 * fraction of a level, for about 0.6x its CPU); should zimg refuse a size, that size stays with
 * swscale. The grid's common fits, exactly a half or a quarter on each side, go through our own
 * kernel ({@link TentFit}: swscale's picture within a level, about a third of zimg's CPU at 2:1) where
 * its library loaded. Confined to the owning decoder's thread. Public for the benchmarks,
 * which count its fit in the CPU of a composite.
 */
public final class I420Extractor implements AutoCloseable {
    private SwsContext scaler;      // owned: rebuilt by sws_getCachedContext, freed in close()
    private final AVFrame converted; // owned: its buffers follow the picture size, freed in close()
    private ZscaleFit zscale;        // owned: the last fit zimg took, rebuilt when the fit changes, closed in close()
    private final boolean zimgAllowed;
    private final boolean tentAllowed;
    private long zscaleRefused;      // the fit zimg last refused (fitKey), so swscale keeps it without a retry per picture
    private int picturesSinceZimgBuilt = Integer.MAX_VALUE;
    /**
     * A zimg graph costs ~0.8 ms of CPU to build against ~0.2 ms for a SwsContext: a sender whose size
     * changes on every picture would make each cost 4x. Within this many pictures of the last build a
     * changed fit goes through swscale, and zimg takes over once the size has held (a second at 30 fps).
     */
    static final int PICTURES_BETWEEN_ZIMG_BUILDS = 30;

    public I420Extractor() {
        this(true, true);
    }

    private I420Extractor(boolean zimg, boolean tent) {
        converted = av_frame_alloc();
        zimgAllowed = zimg;
        tentAllowed = tent;
    }

    /** An extractor that fits with swscale alone, as before zimg: the benchmarks' baseline. */
    public static I420Extractor swscaleOnly() {
        return new I420Extractor(false, false);
    }

    /** An extractor that fits with zimg and swscale, as before {@link TentFit}: the benchmarks' baseline. */
    public static I420Extractor withoutTentFit() {
        return new I420Extractor(true, false);
    }

    /** The picture as I420 at its own size, or null when swscale cannot handle its format. */
    I420Frame extract(AVFrame picture, long timestampMicros) {
        return extract(picture, timestampMicros, 0, 0);
    }

    /**
     * The picture as I420, fitted into {@code boxWidth x boxHeight} keeping its shape (0 x 0: at its
     * own size), or null when swscale cannot handle it.
     */
    public I420Frame extract(AVFrame picture, long timestampMicros, int boxWidth, int boxHeight) {
        int width = picture.width();
        int height = picture.height();
        if (boxWidth >= 2 && boxHeight >= 2 && width >= 2 && height >= 2) {
            PictureFit fit = PictureFit.of(boxWidth, boxHeight, width, height);
            width = fit.width();
            height = fit.height();
        }
        boolean asIs = picture.format() == AV_PIX_FMT_YUV420P && width == picture.width() && height == picture.height();
        int ratio = picture.width() / Math.max(width, 1);
        if (tentAllowed && (ratio == 2 || ratio == 4) && ratio * width == picture.width() && ratio * height == picture.height()) {
            // null when the kernel does not take this picture (TentFit.takes): zimg or swscale below then fits it
            I420Frame shrunk = ratio == 2 ? TentFit.halve(picture, timestampMicros) : TentFit.quarter(picture, timestampMicros);
            if (shrunk != null) {
                return shrunk;
            }
        }
        AVFrame source = asIs ? picture
                : zimgAllowed && picture.format() == AV_PIX_FMT_YUV420P && evenSides(picture, width, height) ? fit(picture, width, height)
                : convert(picture, width, height);
        return source == null ? null : copyOut(source, timestampMicros);
    }

    private AVFrame fit(AVFrame picture, int width, int height) {
        if (picturesSinceZimgBuilt < Integer.MAX_VALUE) {
            picturesSinceZimgBuilt++;
        }
        if (zscale == null || !zscale.fits(picture, width, height)) {
            long key = fitKey(picture, width, height);
            if (key == zscaleRefused || picturesSinceZimgBuilt < PICTURES_BETWEEN_ZIMG_BUILDS) {
                return convert(picture, width, height);
            }
            closeZscale();
            picturesSinceZimgBuilt = 0;
            try {
                zscale = new ZscaleFit(picture, width, height);
            } catch (IllegalStateException refused) {
                zscaleRefused = key;
                return convert(picture, width, height);
            }
        }
        try {
            return zscale.fit(picture);
        } catch (IllegalStateException refused) {
            zscaleRefused = fitKey(picture, width, height);
            closeZscale();
            return convert(picture, width, height);
        }
    }

    /** zimg refuses an odd side in a 4:2:0 picture (its chroma would not cover it); swscale takes those. */
    private static boolean evenSides(AVFrame picture, int width, int height) {
        return ((picture.width() | picture.height() | width | height) & 1) == 0;
    }

    /** The zimg fit held now, or null (tests). */
    ZscaleFit zimgFit() {
        return zscale;
    }

    /** One number for a fit: source and target sizes (each below 2^15 for any picture a decoder hands out). */
    private static long fitKey(AVFrame picture, int width, int height) {
        return ((long) picture.width() << 48) | ((long) picture.height() << 32) | ((long) width << 16) | height;
    }

    private void closeZscale() {
        if (zscale != null) {
            zscale.close();
            zscale = null;
        }
    }

    private AVFrame convert(AVFrame picture, int width, int height) {
        scaler = sws_getCachedContext(scaler, picture.width(), picture.height(), picture.format(),
                width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null) {
            return null;
        }
        if (converted.width() != width || converted.height() != height) {
            av_frame_unref(converted);
            converted.width(width).height(height).format(AV_PIX_FMT_YUV420P);
            if (av_frame_get_buffer(converted, 0) < 0) {
                av_frame_unref(converted);
                return null;
            }
        }
        int rows = sws_scale(scaler, picture.data(), picture.linesize(), 0, picture.height(),
                converted.data(), converted.linesize());
        return rows == height ? converted : null;
    }

    private static I420Frame copyOut(AVFrame source, long timestampMicros) {
        int width = source.width();
        int height = source.height();
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        copyPlane(source.data(0), source.linesize(0), data, 0, width, height);
        copyPlane(source.data(1), source.linesize(1), data, width * height, chromaWidth, chromaHeight);
        copyPlane(source.data(2), source.linesize(2), data, width * height + chromaWidth * chromaHeight,
                chromaWidth, chromaHeight);
        return new I420Frame(width, height, data, timestampMicros);
    }

    /**
     * A padded plane is read through a direct ByteBuffer over its native memory, row by row into the
     * packed picture: a native-to-heap copy per row through the pointer is a JNI call each (180 for
     * the chroma of a 320x180 fit, whose 160-byte rows libavfilter pads to 192), which cost more than
     * the bytes (16 fits and a composite: 0.9x the CPU, CompositorBenchmark); the buffer's bulk get
     * is a plain memory copy.
     */
    private static void copyPlane(BytePointer plane, int linesize, byte[] out, int outOffset, int width, int height) {
        if (linesize == width) {
            plane.position(0).get(out, outOffset, width * height);
            return;
        }
        long span = (long) linesize * (height - 1) + width;   // the last row's padding may lie past the buffer
        ByteBuffer rows = plane.position(0).limit(span).asBuffer();
        for (int row = 0; row < height; row++) {
            rows.get(row * linesize, out, outOffset + row * width, width);
        }
    }

    @Override
    public void close() {
        closeZscale();
        av_frame_free(converted);
        sws_freeContext(scaler);
        scaler = null;
    }
}
