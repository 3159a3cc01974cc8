package dev.mcu.encoder;

import dev.mcu.media.Codec;

/**
 * What one output profile's video encoder produces. {@code maxNalBytes} (H.264 only, 0 = no limit)
 * caps every NAL unit so packetization-mode 0 receivers get one NAL per RTP packet;
 * {@code threads} trades a little latency for speed on large canvases.
 */
public record VideoEncoderConfig(Codec codec, int width, int height, int fps, int bitrateKbps,
                                 int keyframeIntervalFrames, int maxNalBytes, int threads) {
    /** A NAL that fits one RTP packet inside a 1280-byte path MTU with SRTP and headers to spare. */
    public static final int SINGLE_PACKET_NAL_BYTES = 1100;

    public VideoEncoderConfig {
        if (codec != Codec.H264 && codec != Codec.VP8) {
            throw new IllegalArgumentException("no video encoder for " + codec);
        }
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("I420 encode needs an even, positive size: " + width + "x" + height);
        }
        if (fps <= 0 || bitrateKbps <= 0 || keyframeIntervalFrames <= 0 || maxNalBytes < 0 || threads <= 0) {
            throw new IllegalArgumentException("invalid encoder config " + fps + " fps, " + bitrateKbps
                    + " kbps, keyframe every " + keyframeIntervalFrames + ", maxNal " + maxNalBytes
                    + ", threads " + threads);
        }
        if (maxNalBytes != 0 && codec != Codec.H264) {
            throw new IllegalArgumentException("maxNalBytes applies to H.264 only");
        }
    }

    /** 30 fps, 1 Mbit/s, a keyframe every 10 s, no NAL limit, one thread. */
    public static VideoEncoderConfig of(Codec codec, int width, int height) {
        return new VideoEncoderConfig(codec, width, height, 30, 1000, 300, 0, 1);
    }

    /** Changes fps and keeps the keyframe interval at the same number of seconds. */
    public VideoEncoderConfig withFps(int newFps) {
        int interval = Math.max(1, (int) ((long) keyframeIntervalFrames * newFps / fps));
        return new VideoEncoderConfig(codec, width, height, newFps, bitrateKbps, interval, maxNalBytes, threads);
    }

    public VideoEncoderConfig withBitrateKbps(int kbps) {
        return new VideoEncoderConfig(codec, width, height, fps, kbps, keyframeIntervalFrames, maxNalBytes, threads);
    }

    public VideoEncoderConfig withKeyframeIntervalFrames(int frames) {
        return new VideoEncoderConfig(codec, width, height, fps, bitrateKbps, frames, maxNalBytes, threads);
    }

    public VideoEncoderConfig withMaxNalBytes(int bytes) {
        return new VideoEncoderConfig(codec, width, height, fps, bitrateKbps, keyframeIntervalFrames, bytes, threads);
    }

    public VideoEncoderConfig withThreads(int count) {
        return new VideoEncoderConfig(codec, width, height, fps, bitrateKbps, keyframeIntervalFrames, maxNalBytes, count);
    }
}
