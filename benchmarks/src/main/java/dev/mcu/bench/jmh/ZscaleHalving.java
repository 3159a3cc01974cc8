package dev.mcu.bench.jmh;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * A candidate for the tile fit that swscale does today: libavfilter's {@code zscale} (the zimg
 * library the server's FFmpeg natives link, with its own SIMD resizers) in a one-filter graph,
 * {@code buffer → zscale → buffersink}, one thread. Benchmark code only (issue 12): it measures
 * whether zimg is worth building into the decoder.
 *
 * <p>Threads: one, the caller's. The graph and the output frame are owned here and freed by
 * {@link #close}; the picture {@link #scale} returns stays valid until the next call.
 */
final class ZscaleHalving implements AutoCloseable {
    /**
     * Chroma samples sited between the luma samples, as swscale takes them: zimg's default for a
     * picture that does not say is the left edge, which shifts chroma by a quarter of a chroma pixel
     * against swscale's picture (4–7 levels on average on noise, 1.3 on a camera-like picture).
     */
    static final String CHROMA_CENTRED = ":chromalin=center:chromal=center";

    private final AVFilterGraph graph;      // owned
    private final AVFilterContext source = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private final AVFrame output;           // owned

    /** @param filter zimg's resize filter: bilinear, bicubic, spline16, point, ... */
    ZscaleHalving(int sourceWidth, int sourceHeight, int width, int height, String filter) {
        graph = avfilter_graph_alloc();
        output = av_frame_alloc();
        try {
            graph.nb_threads(1);
            AVFilterContext resize = new AVFilterContext();
            String buffer = "video_size=" + sourceWidth + "x" + sourceHeight + ":pix_fmt=" + AV_PIX_FMT_YUV420P
                    + ":time_base=1/30:pixel_aspect=1/1";
            check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", buffer, null, graph), "buffer");
            check(avfilter_graph_create_filter(resize, avfilter_get_by_name("zscale"), "fit",
                    "w=" + width + ":h=" + height + ":filter=" + filter + CHROMA_CENTRED, null, graph), "zscale");
            check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", null, null, graph), "buffersink");
            check(avfilter_link(source, 0, resize, 0), "link in");
            check(avfilter_link(resize, 0, sink, 0), "link out");
            check(avfilter_graph_config(graph, null), "graph");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The source scaled; the caller keeps the source (the graph takes its own reference). */
    AVFrame scale(AVFrame picture) {
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

    @Override
    public void close() {
        av_frame_free(output);
        avfilter_graph_free(graph);
    }
}
