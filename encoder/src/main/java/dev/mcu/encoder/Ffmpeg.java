package dev.mcu.encoder;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** FFmpeg plumbing shared by this module's encoders. Stateless; any thread. */
final class Ffmpeg {
    /** AVERROR(EAGAIN) on Linux; the presets do not map the macro. */
    static final int AVERROR_EAGAIN = -11;

    static {
        // FFmpeg and its codec wrappers log their configuration at info level; keep stderr for errors.
        av_log_set_level(AV_LOG_ERROR);
    }

    private Ffmpeg() {
    }

    /** FFmpeg's text for an AVERROR code. */
    static String error(int code) {
        byte[] text = new byte[128];
        av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.US_ASCII) + " (" + code + ")";
    }

    /** True when this FFmpeg build has the named encoder (libx264 only in the GPL natives). */
    static boolean hasEncoder(String name) {
        return avcodec_find_encoder_by_name(name) != null;
    }

    /**
     * Finds, configures and opens an encoder with the given private options (libx264's preset,
     * libvpx's deadline, ...); the caller owns the context and frees it with avcodec_free_context.
     * An unknown option or a refusal to open throws: that is a setup error, not bad data.
     */
    static AVCodecContext openEncoder(String name, Consumer<AVCodecContext> configure, Map<String, String> options) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no encoder " + name);
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        if (context == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3(" + name + ")");
        }
        boolean success = false;
        try {
            configure.accept(context);
            for (Map.Entry<String, String> option : options.entrySet()) {
                int ret = av_opt_set(context.priv_data(), option.getKey(), option.getValue(), 0);
                if (ret < 0) {
                    throw new IllegalStateException(name + " option " + option + ": " + error(ret));
                }
            }
            int ret = avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            if (ret < 0) {
                throw new IllegalStateException("cannot open encoder " + name + ": " + error(ret));
            }
            success = true;
            return context;
        } finally {
            if (!success) {
                avcodec_free_context(context);
            }
        }
    }

    /** A copy of the packet's payload. */
    static byte[] bytes(AVPacket packet) {
        byte[] out = new byte[packet.size()];
        packet.data().get(out);
        return out;
    }
}
