package dev.mcu.decoder;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * Fits pictures of one size, pixel format, colour matrix and range to another size with zimg's
 * bilinear resizer (libavfilter's {@code zscale}, which the FFmpeg natives link): a one-filter graph
 * {@code buffer → zscale → buffersink} on one thread. It gives swscale's {@code SWS_BILINEAR} picture
 * within a fraction of a level (chroma sited between luma samples as swscale sites it; zimg's default,
 * the left edge, is 4–7 levels off on noise) for about 0.6x swscale's CPU at the grid's 2:1 fit,
 * because zimg's x86 resizers are faster than swscale's generic vertical pass (issue 12, see
 * "Issue 12, session 15" in docs/benchmarks.md).
 *
 * <p>Threads: one, the caller's (the owning decoder's). The graph and the output frame are owned here
 * and freed by {@link #close}; the picture {@link #fit} returns is valid until the next call.
 */
public final class ZscaleFit implements AutoCloseable {
    /** Chroma sited between the luma samples, as swscale takes a picture that does not say. */
    private static final String CHROMA_CENTRED = ":chromalin=center:chromal=center";

    private final int sourceWidth;
    private final int sourceHeight;
    private final int format;
    private final int colorspace;
    private final int range;
    private final int width;
    private final int height;
    private final AVFilterGraph graph;      // owned
    // Null until the graph makes them: a no-argument AVFilterContext would malloc a struct of its own that
    // only the garbage collector frees, as create_filter points the object at the graph's context instead.
    private final AVFilterContext source = new AVFilterContext((Pointer) null);
    private final AVFilterContext sink = new AVFilterContext((Pointer) null);
    private final AVFrame output;           // owned
    private boolean closed;

    /**
     * A fit for pictures like {@code example} to {@code width x height}.
     *
     * @throws IllegalStateException when zimg cannot do it (an odd size in a subsampled format, a
     *     format it does not know); the caller falls back to swscale
     */
    public ZscaleFit(AVFrame example, int width, int height) {
        this.sourceWidth = example.width();
        this.sourceHeight = example.height();
        this.format = example.format();
        this.colorspace = example.colorspace();
        this.range = example.color_range();
        this.width = width;
        this.height = height;
        graph = avfilter_graph_alloc();
        output = av_frame_alloc();
        try {
            graph.nb_threads(1);
            AVFilterContext resize = new AVFilterContext((Pointer) null);
            String buffer = "video_size=" + sourceWidth + "x" + sourceHeight + ":pix_fmt=" + format
                    + ":time_base=1/90000:pixel_aspect=1/1:colorspace=" + colorspace + ":range=" + range;
            check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", buffer, null, graph), "buffer");
            check(avfilter_graph_create_filter(resize, avfilter_get_by_name("zscale"), "fit",
                    "w=" + width + ":h=" + height + ":filter=bilinear" + CHROMA_CENTRED, null, graph), "zscale");
            check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", null, null, graph), "buffersink");
            check(avfilter_link(source, 0, resize, 0), "link in");
            check(avfilter_link(resize, 0, sink, 0), "link out");
            check(avfilter_graph_config(graph, null), "graph");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether this fit takes {@code picture} (same size, format, matrix and range) to {@code width x height}. */
    public boolean fits(AVFrame picture, int width, int height) {
        return picture.width() == sourceWidth && picture.height() == sourceHeight && picture.format() == format
                && picture.colorspace() == colorspace && picture.color_range() == range
                && width == this.width && height == this.height;
    }

    /**
     * The picture fitted; the caller keeps its picture (the graph takes a reference of its own).
     *
     * @throws IllegalStateException when zimg refuses the picture
     */
    public AVFrame fit(AVFrame picture) {
        av_frame_unref(output);
        check(av_buffersrc_add_frame_flags(source, picture, AV_BUFFERSRC_FLAG_KEEP_REF), "push");
        check(av_buffersink_get_frame(sink, output), "pull");
        return output;
    }

    private static void check(int result, String step) {
        if (result < 0) {
            throw new IllegalStateException("zscale graph: " + step + " failed (" + result + ")");
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            av_frame_free(output);
            avfilter_graph_free(graph);
        }
    }
}
