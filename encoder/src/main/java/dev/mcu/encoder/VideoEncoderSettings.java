package dev.mcu.encoder;

import dev.mcu.media.Codec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Picks the FFmpeg encoder for a codec and tunes it for real-time conferencing: no B-frames, no
 * look-ahead, constant bit rate with a one-second buffer, parameter sets in front of every IDR.
 */
final class VideoEncoderSettings {
    private VideoEncoderSettings() {
    }

    /** libx264 when the GPL natives are on the class path, libopenh264 otherwise; libvpx for VP8. */
    static String encoderName(Codec codec) {
        return switch (codec) {
            case H264 -> Ffmpeg.hasEncoder("libx264") ? "libx264" : "libopenh264";
            case VP8 -> "libvpx";
            default -> throw new IllegalArgumentException("no video encoder for " + codec);
        };
    }

    /** Opens the encoder; the caller owns the context (avcodec_free_context). */
    static AVCodecContext open(String encoderName, VideoEncoderConfig config, int bitrateKbps) {
        long bitsPerSecond = bitrateKbps * 1000L;
        return Ffmpeg.openEncoder(encoderName, c -> {
            c.width(config.width()).height(config.height()).pix_fmt(AV_PIX_FMT_YUV420P);
            c.time_base().num(1).den(config.fps());
            c.framerate().num(config.fps()).den(1);
            c.bit_rate(bitsPerSecond).rc_max_rate(bitsPerSecond).rc_buffer_size((int) bitsPerSecond);
            c.gop_size(config.keyframeIntervalFrames()).max_b_frames(0).thread_count(config.threads());
            // AV_CODEC_FLAG_GLOBAL_HEADER stays off: SPS/PPS travel in band, in front of every IDR.
            if (encoderName.equals("libvpx")) {
                c.rc_min_rate(bitsPerSecond); // min == max selects libvpx's CBR mode
            }
            if (encoderName.equals("libopenh264")) {
                c.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
            }
        }, privateOptions(encoderName, config));
    }

    private static Map<String, String> privateOptions(String encoderName, VideoEncoderConfig config) {
        Map<String, String> options = new LinkedHashMap<>();
        int maxNal = config.maxNalBytes();
        switch (encoderName) {
            case "libx264" -> {
                options.put("preset", "veryfast");
                options.put("tune", "zerolatency");
                options.put("profile", "baseline");
                options.put("forced-idr", "1"); // a requested keyframe must be an IDR, not a recovery point
                // repeat-headers: already x264's default without global headers. scenecut=0: keyframes only
                // on the interval and on request; x264's scene-cut IDRs made every frame of a busy picture a
                // keyframe (a bit-rate spike per frame), and a composite's "scene cuts" are layout changes.
                options.put("x264-params", "repeat-headers=1:scenecut=0");
                if (maxNal > 0) {
                    options.put("slice-max-size", Integer.toString(maxNal));
                }
            }
            case "libopenh264" -> {
                options.put("rc_mode", "bitrate");
                options.put("allow_skip_frames", "0");
                if (maxNal > 0) {
                    // Selects size-limited slices. openh264 treats the size as a target: on pure noise
                    // NALs came out up to 7 % over it, so aim a sixteenth below.
                    options.put("max_nal_size", Integer.toString(maxNal - maxNal / 16));
                }
            }
            case "libvpx" -> {
                options.put("deadline", "realtime");
                options.put("cpu-used", "8");
                options.put("lag-in-frames", "0");
                options.put("auto-alt-ref", "0");
                options.put("error-resilient", "default");
            }
            default -> throw new IllegalArgumentException("no settings for " + encoderName);
        }
        return options;
    }
}
