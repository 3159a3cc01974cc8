package dev.mcu.bench.jmh;

import dev.mcu.decoder.TentFit;
import dev.mcu.decoder.ZscaleFit;
import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FAST_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_POINT;
import static org.bytedeco.ffmpeg.global.swscale.sws_alloc_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

/**
 * The 2:1 tile fit (issue 12): one 640x360 I420 picture to a 320x180 {@link I420Frame} on the
 * heap, as a 16-tile 720p grid needs it (with {@code -p ratio=4}: to 160x90, as video64's 8x8 grid);
 * from libavcodec's native picture as {@code I420Extractor.extract} does it ({@code nativeToHeap}),
 * and from a picture on the heap as the compositor's {@code TileScaler} does it ({@code heapToHeap}).
 * The candidates, one per {@code scaler}:
 *
 * <ul>
 *   <li>{@code swscale-*}: {@code sws_scale} with that algorithm (the decoder's call today is
 *       {@code swscale-bilinear}) into a native picture, then its rows copied to the heap as
 *       {@code I420Extractor.copyOut} does (one native read per row of a plane whose linesize is
 *       padded: the chroma planes, 192 bytes for 160 on this CPU);</li>
 *   <li>{@code swscale-bilinear-bulk-copy}: the same, the copy with one native read per plane;</li>
 *   <li>{@code sws_scale_frame-bilinear}: FFmpeg 8's frame API ({@code sws_alloc_context} and
 *       {@code sws_scale_frame}) with the same flags, then the same copy;</li>
 *   <li>{@code java-halving}: {@link BilinearHalving}, reading the native picture in place and
 *       writing the heap frame, byte-identical to {@code swscale-bilinear};</li>
 *   <li>{@code java-tent}: {@link TentHalving}, the same tent rounded once (within one level of it);</li>
 *   <li>{@code zscale-bilinear}: {@link dev.mcu.decoder.ZscaleFit}, zimg's bilinear through libavfilter (from the
 *       heap it is handed a picture that is not reference-counted, which libavfilter copies);</li>
 *   <li>{@code native-tent}: {@link TentFit}, the decoders' fit since session 22: the tent
 *       of {@code java-tent} in native code of our own, vectorized by the compiler (from the heap it is first
 *       copied into native memory, as for swscale).</li>
 * </ul>
 * Single-threaded, as a decode thread calls it. Native pictures and contexts are owned by the
 * state and freed in tear-down. Quality of each against {@code swscale-bilinear} is not measured
 * here (see "Issue 12, session 13: the tile scaler" in docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class HalfScaleBenchmark {
    static final int SOURCE_WIDTH = 640;
    static final int SOURCE_HEIGHT = 360;

    /**
     * How many times smaller the tile is on each side: 2 (the 16-tile grid), or 4 (video64's 8x8 grid;
     * not the {@code java-} candidates).
     */
    @Param({"2"})
    public int ratio;

    private int tileWidth;
    private int tileHeight;

    @Param({"swscale-bilinear", "swscale-bilinear-bulk-copy", "swscale-bilinear-accurate-rnd", "swscale-fast-bilinear", "swscale-area",
            "swscale-point", "sws_scale_frame-bilinear", "java-halving", "java-tent", "zscale-bilinear", "native-tent"})
    public String scaler;

    private AVFrame source;      // owned: freed in tear-down
    private AVFrame scaled;      // owned: freed in tear-down
    private SwsContext context;  // owned: freed in tear-down
    private ZscaleFit zscale; // owned: closed in tear-down
    private ByteBuffer sourceY;
    private ByteBuffer sourceU;
    private ByteBuffer sourceV;
    private byte[] scratch = new byte[0];
    private I420Frame heapSource;
    private BytePointer staging; // owned: closed in tear-down; the heap source's native copy, as TileScaler's SourceBuffer
    private AVFrame staged;      // owned: freed in tear-down; points into staging
    private ByteBuffer heapY;
    private ByteBuffer heapU;
    private ByteBuffer heapV;

    @Setup(Level.Trial)
    public void setUp() {
        if (ratio != 2 && (ratio != 4 || scaler.startsWith("java-"))) {
            throw new IllegalArgumentException(scaler + " does not fit at " + ratio + ":1");
        }
        tileWidth = SOURCE_WIDTH / ratio;
        tileHeight = SOURCE_HEIGHT / ratio;
        heapSource = SyntheticPictures.picture(SOURCE_WIDTH, SOURCE_HEIGHT, 7);
        source = SyntheticPictures.nativeCopy(heapSource);
        ByteBuffer heap = ByteBuffer.wrap(heapSource.data());
        heapY = heap.slice(heapSource.offsetY(), heapSource.offsetU() - heapSource.offsetY());
        heapU = heap.slice(heapSource.offsetU(), heapSource.offsetV() - heapSource.offsetU());
        heapV = heap.slice(heapSource.offsetV(), heapSource.data().length - heapSource.offsetV());
        staging = new BytePointer(heapSource.data().length + 128);
        staged = av_frame_alloc();
        staged.width(SOURCE_WIDTH).height(SOURCE_HEIGHT).format(AV_PIX_FMT_YUV420P);
        staged.data(0, staging.getPointer(heapSource.offsetY())).linesize(0, heapSource.strideY());
        staged.data(1, staging.getPointer(heapSource.offsetU())).linesize(1, heapSource.strideU());
        staged.data(2, staging.getPointer(heapSource.offsetV())).linesize(2, heapSource.strideV());
        scaled = picture(tileWidth, tileHeight);
        sourceY = plane(source, 0, SOURCE_HEIGHT);
        sourceU = plane(source, 1, SOURCE_HEIGHT / 2);
        sourceV = plane(source, 2, SOURCE_HEIGHT / 2);
        if (scaler.startsWith("java-") || scaler.equals("native-tent")) {
            context = null;
            if (scaler.equals("native-tent") && !TentFit.available()) {
                throw new IllegalStateException("the native tile-fit kernel did not load: " + TentFit.unavailableReason());
            }
        } else if (scaler.startsWith("zscale-")) {
            zscale = new ZscaleFit(source, tileWidth, tileHeight); // bilinear, as the decoder fits
        } else if (scaler.equals("sws_scale_frame-bilinear")) {
            context = sws_alloc_context();
            context.flags(SWS_BILINEAR);
            if (sws_scale_frame(context, scaled, source) < 0) {
                throw new IllegalStateException("sws_scale_frame refuses 640x360 -> " + tileWidth + "x" + tileHeight + " I420");
            }
        } else {
            context = sws_getContext(SOURCE_WIDTH, SOURCE_HEIGHT, AV_PIX_FMT_YUV420P, tileWidth, tileHeight, AV_PIX_FMT_YUV420P,
                    flags(scaler), null, null, (DoublePointer) null);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (context != null) {
            sws_freeContext(context);
        }
        if (zscale != null) {
            zscale.close();
        }
        av_frame_free(staged);
        staging.close();
        av_frame_free(scaled);
        av_frame_free(source);
    }

    /** The decoder's job: libavcodec's native picture to a fitted frame on the heap. */
    @Benchmark
    public I420Frame nativeToHeap() {
        return fit(source, sourceY, source.linesize(0), sourceU, source.linesize(1), sourceV, source.linesize(2));
    }

    /**
     * The compositor's job for a tile whose source was not fitted by the decoder: a picture on the
     * heap to a fitted frame on the heap; swscale needs it copied into native memory first (as
     * {@code TileScaler}'s {@code SourceBuffer} does), the Java candidates read it where it is.
     */
    @Benchmark
    public I420Frame heapToHeap() {
        if (scaler.equals("native-tent")) {
            staging.position(0).put(heapSource.data(), 0, heapSource.data().length);
            return fit(staged, null, 0, null, 0, null, 0);
        }
        if (context == null && zscale == null) {
            return fit(null, heapY, SOURCE_WIDTH, heapU, SOURCE_WIDTH / 2, heapV, SOURCE_WIDTH / 2);
        }
        staging.position(0).put(heapSource.data(), 0, heapSource.data().length);
        return fit(staged, null, 0, null, 0, null, 0);
    }

    private I420Frame fit(AVFrame picture, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {
        if (scaler.equals("java-halving")) {
            return BilinearHalving.halve(SOURCE_WIDTH, SOURCE_HEIGHT, y, strideY, u, strideU, v, strideV, 0);
        }
        if (scaler.equals("java-tent")) {
            return TentHalving.halve(SOURCE_WIDTH, SOURCE_HEIGHT, y, strideY, u, strideU, v, strideV, 0);
        }
        if (scaler.equals("native-tent")) {
            return ratio == 2 ? TentFit.halve(picture, 0) : TentFit.quarter(picture, 0);
        }
        if (zscale != null) {
            return copyOut(zscale.fit(picture), false);
        }
        if (scaler.startsWith("sws_scale_frame")) {
            sws_scale_frame(context, scaled, picture);
        } else {
            sws_scale(context, picture.data(), picture.linesize(), 0, SOURCE_HEIGHT, scaled.data(), scaled.linesize());
        }
        return copyOut(scaled, scaler.endsWith("bulk-copy"));
    }

    private static int flags(String scaler) {
        switch (scaler) {
            case "swscale-bilinear", "swscale-bilinear-bulk-copy": return SWS_BILINEAR;
            case "swscale-bilinear-accurate-rnd": return SWS_BILINEAR | SWS_ACCURATE_RND;
            case "swscale-fast-bilinear": return SWS_FAST_BILINEAR;
            case "swscale-area": return SWS_AREA;
            case "swscale-point": return SWS_POINT;
            default: throw new IllegalArgumentException(scaler);
        }
    }

    private static AVFrame picture(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.width(width).height(height).format(AV_PIX_FMT_YUV420P);
        if (av_frame_get_buffer(frame, 0) < 0) {
            throw new IllegalStateException("no picture buffer for " + width + "x" + height);
        }
        return frame;
    }

    private static ByteBuffer plane(AVFrame frame, int plane, int rows) {
        return frame.data(plane).capacity((long) frame.linesize(plane) * rows).asByteBuffer();
    }

    /**
     * What the decoder does after swscale ({@code I420Extractor.copyOut}): the planes to a packed
     * frame on the heap, a plane whose linesize is its width in one native read, any other one row
     * by row; {@code inBulk}: any plane in one native read (rows and padding) into a heap scratch
     * array, whose rows are then placed with System.arraycopy.
     */
    private I420Frame copyOut(AVFrame picture, boolean inBulk) {
        int chromaWidth = tileWidth / 2;
        byte[] data = new byte[I420Frame.sizeOf(tileWidth, tileHeight)];
        copyPlane(picture.data(0), picture.linesize(0), data, 0, tileWidth, tileHeight, inBulk);
        copyPlane(picture.data(1), picture.linesize(1), data, tileWidth * tileHeight, chromaWidth, tileHeight / 2, inBulk);
        copyPlane(picture.data(2), picture.linesize(2), data, tileWidth * tileHeight + chromaWidth * (tileHeight / 2), chromaWidth, tileHeight / 2, inBulk);
        return new I420Frame(tileWidth, tileHeight, data, 0);
    }

    private void copyPlane(BytePointer plane, int linesize, byte[] out, int outOffset, int width, int height, boolean inBulk) {
        if (linesize == width) {
            plane.get(out, outOffset, width * height);
        } else if (inBulk) {
            int used = linesize * (height - 1) + width;
            if (scratch.length < used) {
                scratch = new byte[used];
            }
            plane.get(scratch, 0, used);
            for (int row = 0; row < height; row++) {
                System.arraycopy(scratch, row * linesize, out, outOffset + row * width, width);
            }
        } else {
            for (int row = 0; row < height; row++) {
                plane.position((long) row * linesize).get(out, outOffset + row * width, width);
            }
        }
    }
}
