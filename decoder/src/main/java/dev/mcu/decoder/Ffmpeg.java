package dev.mcu.decoder;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** FFmpeg plumbing shared by this module's decoders. Stateless; any thread. */
final class Ffmpeg {
    /** AVERROR(EAGAIN) on Linux; the presets do not map the macro. */
    static final int AVERROR_EAGAIN = -11;
    /** AV_FRAME_FLAG_CORRUPT and AV_FRAME_FLAG_KEY (1 << 0, 1 << 1), not mapped by the presets. */
    static final int FRAME_FLAG_CORRUPT = 1;
    static final int FRAME_FLAG_KEY = 1 << 1;

    static {
        // FFmpeg logs every concealed macroblock to stderr by default; only real errors matter here.
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

    /**
     * Finds, configures and opens a decoder; the caller owns the returned context and frees it with
     * avcodec_free_context. Throws if the codec is missing or refuses to open (a setup error, not data).
     */
    static AVCodecContext openDecoder(String name, Consumer<AVCodecContext> configure) {
        AVCodec codec = avcodec_find_decoder_by_name(name);
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no decoder " + name);
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        if (context == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3(" + name + ")");
        }
        boolean success = false;
        try {
            configure.accept(context);
            int ret = avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            if (ret < 0) {
                throw new IllegalStateException("cannot open decoder " + name + ": " + error(ret));
            }
            success = true;
            return context;
        } finally {
            if (!success) {
                avcodec_free_context(context); // a configure step that throws must not leak the context
            }
        }
    }
}
