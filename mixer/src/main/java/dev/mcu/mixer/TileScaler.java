package dev.mcu.mixer;

import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;
import dev.mcu.media.PictureFit;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * Scales sources into one tile of the canvas, aspect-fit: the picture keeps its shape, centred,
 * with black bars (letterbox or pillarbox) where it does not fill the tile.
 *
 * <p>swscale writes into a native picture buffer of this tile with padded, aligned strides, and
 * the rows are then copied into the canvas (through one bulk copy to the heap). Scaling straight into the canvas at the tile offset
 * was tried and is wrong: swscale's SIMD output writes a few bytes past the destination width
 * when the width is not a multiple of 16, into the neighbouring tile (seen with 426-pixel cells).
 *
 * <p>Keeps its SwsContext and picture buffer while the source size and tile stay the same.
 * Confined to the room's media clock thread.
 */
final class TileScaler implements AutoCloseable {
    /** Row alignment and slack for swscale's vector writes. */
    private static final int ALIGN = 64;

    private SwsContext context;                                                  // owned: freed in close()
    private BytePointer picture;                                                 // owned: closed in close() or when the picture size changes
    private final PointerPointer<BytePointer> picturePlanes = new PointerPointer<>(3); // owned: closed in close()
    private final IntPointer pictureStrides = new IntPointer(3);               // owned: closed in close()
    /** The picture buffer's heap twin, for one bulk copy out of native memory per scale. */
    private byte[] heapPicture = new byte[0];

    private Tile tile;
    private int sourceWidth;
    private int sourceHeight;
    private int pictureX;
    private int pictureY;
    private int pictureWidth;
    private int pictureHeight;
    private Tile pictureArea;
    private int strideY;
    private int strideChroma;
    private int offsetU;
    private int offsetV;

    /** The frame last scaled in, compared by identity to skip unchanged sources; null after a reset. */
    I420Frame lastFrame;

    /**
     * Aims at {@code tile} for a source of the given size. Returns true when the picture rectangle
     * may have changed, so the caller must repaint the bars; false when nothing needed redoing.
     * If swscale refuses the sizes, {@link #ready()} is false afterwards.
     */
    boolean aim(Tile newTile, int newSourceWidth, int newSourceHeight) {
        if (newTile.equals(tile) && newSourceWidth == sourceWidth && newSourceHeight == sourceHeight && context != null) {
            return false;
        }
        tile = newTile;
        sourceWidth = newSourceWidth;
        sourceHeight = newSourceHeight;
        int oldWidth = pictureWidth;
        int oldHeight = pictureHeight;
        fit(newTile, newSourceWidth, newSourceHeight);
        if (picture == null || pictureWidth != oldWidth || pictureHeight != oldHeight) {
            allocatePicture();
        }
        context = sws_getCachedContext(context, sourceWidth, sourceHeight, AV_PIX_FMT_YUV420P,
                pictureWidth, pictureHeight, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (DoublePointer) null);
        return true;
    }

    /** Where the picture lies in the canvas (inside the tile, bars around it); null before the first {@link #aim}. */
    Tile pictureArea() {
        return pictureArea;
    }

    boolean ready() {
        return context != null;
    }

    /**
     * Scales the staged source and copies the picture into the canvas: the picture buffer comes over
     * to the heap in one bulk copy, and its rows go into the canvas with System.arraycopy; a native
     * read per row (360 for a 320x180 tile) cost more than the copying itself.
     */
    void scale(SourceBuffer source, Canvas canvas) {
        sws_scale(context, source.planes(), source.strides(), 0, sourceHeight, picturePlanes, pictureStrides);
        int used = offsetV + strideChroma * ((pictureHeight >> 1) - 1) + (pictureWidth >> 1);
        picture.position(0).get(heapPicture, 0, used);
        byte[] out = canvas.pixels;
        for (int row = 0; row < pictureHeight; row++) {
            System.arraycopy(heapPicture, row * strideY, out, canvas.offsetY(pictureX, pictureY + row), pictureWidth);
        }
        int chromaWidth = pictureWidth >> 1;
        for (int row = 0; row < pictureHeight >> 1; row++) {
            int canvasRow = pictureY + 2 * row;
            System.arraycopy(heapPicture, offsetU + row * strideChroma, out, canvas.offsetU(pictureX, canvasRow), chromaWidth);
            System.arraycopy(heapPicture, offsetV + row * strideChroma, out, canvas.offsetV(pictureX, canvasRow), chromaWidth);
        }
    }

    /** True when the frame is already the picture's size (the decoder fitted it to this tile): no scaling needed. */
    boolean fitsExactly(I420Frame frame) {
        return frame.width() == pictureWidth && frame.height() == pictureHeight;
    }

    /** Copies a picture-sized frame's rows straight into the canvas: no native staging, no swscale. */
    void copy(I420Frame frame, Canvas canvas) {
        byte[] in = frame.data();
        byte[] out = canvas.pixels;
        for (int row = 0; row < pictureHeight; row++) {
            System.arraycopy(in, frame.offsetY() + row * frame.strideY(), out, canvas.offsetY(pictureX, pictureY + row), pictureWidth);
        }
        int chromaWidth = pictureWidth >> 1;
        for (int row = 0; row < pictureHeight >> 1; row++) {
            int canvasRow = pictureY + 2 * row;
            System.arraycopy(in, frame.offsetU() + row * frame.strideU(), out, canvas.offsetU(pictureX, canvasRow), chromaWidth);
            System.arraycopy(in, frame.offsetV() + row * frame.strideV(), out, canvas.offsetV(pictureX, canvasRow), chromaWidth);
        }
    }

    /** Forgets the source so the next frame is scaled even if it is the same object. */
    void reset() {
        lastFrame = null;
    }

    /** Picture rectangle: the largest of the source's shape that fits the tile, centred, all even. */
    private void fit(Tile t, int srcWidth, int srcHeight) {
        PictureFit fit = PictureFit.of(t.width(), t.height(), srcWidth, srcHeight);
        int w = fit.width();
        int h = fit.height();
        pictureWidth = w;
        pictureHeight = h;
        pictureX = t.x() + (((t.width() - w) / 2) & ~1);
        pictureY = t.y() + (((t.height() - h) / 2) & ~1);
        pictureArea = new Tile(pictureX, pictureY, w, h);
    }

    private void allocatePicture() {
        if (picture != null) {
            picture.close();
        }
        strideY = align(pictureWidth + ALIGN);
        strideChroma = align((pictureWidth >> 1) + ALIGN);
        offsetU = align(strideY * pictureHeight + ALIGN);
        offsetV = offsetU + align(strideChroma * (pictureHeight >> 1) + ALIGN);
        int size = offsetV + align(strideChroma * (pictureHeight >> 1) + ALIGN);
        picture = new BytePointer(size);
        heapPicture = new byte[size];
        picturePlanes.put(0, picture.position(0));
        picturePlanes.put(1, picture.position(offsetU));
        picturePlanes.put(2, picture.position(offsetV));
        picture.position(0);
        pictureStrides.put(0, strideY);
        pictureStrides.put(1, strideChroma);
        pictureStrides.put(2, strideChroma);
    }

    private static int align(int value) {
        return (value + ALIGN - 1) & -ALIGN;
    }

    @Override
    public void close() {
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
        pictureStrides.close();
        picturePlanes.close();
        if (picture != null) {
            picture.close();
            picture = null;
        }
    }
}
