package dev.mcu.encoder;

import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

import java.util.Arrays;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

/**
 * Encodes one output profile's canvas: H.264 as Annex B access units (SPS/PPS before every IDR)
 * or raw VP8 frames. Keyframes come every {@code keyframeIntervalFrames} and on request.
 *
 * <p>{@link #encode} is called by the room's media clock thread only; {@link #requestKeyframe()}
 * and {@link #setBitrateKbps(int)} may be called from any thread and take effect at the next
 * encode. A new bit rate is applied at the next keyframe by reopening the encoder, which works the
 * same for all three wrapped encoders (openh264 cannot change it live).
 */
public final class VideoEncoder implements AutoCloseable {
    /** Output pts to RTP timestamp; a power of two well above any encoder delay we configure. */
    private static final int TIMESTAMP_SLOTS = 32;

    private final VideoEncoderConfig config;
    private final String encoderName;
    private AVCodecContext context;      // owned: replaced on a bit-rate change, freed in close()
    private final AVFrame input;         // owned: freed in close()
    private final AVPacket output;       // owned: freed in close()
    private final long[] rtpTimestampBySlot = new long[TIMESTAMP_SLOTS];

    private long nextPts;
    private int framesSinceKeyframe;
    private int appliedKbps;
    private volatile int targetKbps;
    private volatile boolean keyframeRequested;
    private volatile long framesEncoded;
    private volatile long failures;

    private VideoEncoder(VideoEncoderConfig config) {
        this.config = config;
        this.encoderName = VideoEncoderSettings.encoderName(config.codec());
        this.context = VideoEncoderSettings.open(encoderName, config, config.bitrateKbps());
        this.appliedKbps = config.bitrateKbps();
        this.targetKbps = appliedKbps;
        this.input = av_frame_alloc();
        this.output = av_packet_alloc();
        input.width(config.width()).height(config.height()).format(AV_PIX_FMT_YUV420P);
        int ret = av_frame_get_buffer(input, 0);
        if (ret < 0) {
            close();
            throw new IllegalStateException("cannot allocate the encoder's input frame: " + Ffmpeg.error(ret));
        }
    }

    public static VideoEncoder create(VideoEncoderConfig config) {
        return new VideoEncoder(config);
    }

    /**
     * Encodes one canvas; returns the access unit the encoder produced (stamped with the
     * {@code rtpTimestamp} of the frame it encodes) or null when it produced nothing.
     *
     * @throws IllegalArgumentException if the frame is not the configured size
     */
    public EncodedFrame encode(I420Frame frame, long rtpTimestamp) {
        if (frame.width() != config.width() || frame.height() != config.height()) {
            throw new IllegalArgumentException("encoder is " + config.width() + "x" + config.height()
                    + ", frame is " + frame.width() + "x" + frame.height());
        }
        boolean keyframe = nextPts == 0 || keyframeRequested || framesSinceKeyframe >= config.keyframeIntervalFrames();
        if (keyframe) {
            keyframeRequested = false;
            applyBitrate();
        }
        if (av_frame_make_writable(input) < 0) {
            failures++;
            return null;
        }
        copyIn(frame);
        input.pts(nextPts).pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        rtpTimestampBySlot[(int) (nextPts & (TIMESTAMP_SLOTS - 1))] = rtpTimestamp;
        nextPts++;
        framesSinceKeyframe++;
        if (avcodec_send_frame(context, input) < 0) {
            failures++;
            return null;
        }
        return receive();
    }

    private void applyBitrate() {
        int wanted = targetKbps;
        if (wanted == appliedKbps) {
            return;
        }
        try {
            AVCodecContext reopened = VideoEncoderSettings.open(encoderName, config, wanted);
            avcodec_free_context(context);
            context = reopened;
        } catch (IllegalStateException refused) {
            failures++; // keep encoding at the old rate rather than stop the room's video
        }
        appliedKbps = wanted;
    }

    private void copyIn(I420Frame frame) {
        int width = frame.width();
        int height = frame.height();
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        copyPlane(frame.data(), frame.offsetY(), width, height, input.data(0), input.linesize(0));
        copyPlane(frame.data(), frame.offsetU(), chromaWidth, chromaHeight, input.data(1), input.linesize(1));
        copyPlane(frame.data(), frame.offsetV(), chromaWidth, chromaHeight, input.data(2), input.linesize(2));
    }

    /**
     * One native copy per plane when its rows are contiguous (FFmpeg pads the line size only to its
     * alignment, so a 1280 or 640 wide plane has none): a row at a time was 1,440 JNI calls per 720p frame.
     */
    static void copyPlane(byte[] src, int offset, int width, int height, BytePointer plane, int linesize) {
        if (linesize == width) {
            plane.position(0).put(src, offset, width * height);
            return;
        }
        for (int row = 0; row < height; row++) {
            plane.position((long) row * linesize).put(src, offset + row * width, width);
        }
    }

    private EncodedFrame receive() {
        byte[] data = null;
        boolean keyframe = false;
        long pts = 0;
        while (avcodec_receive_packet(context, output) >= 0) {
            try {
                byte[] bytes = Ffmpeg.bytes(output);
                data = data == null ? bytes : concat(data, bytes);
                keyframe |= (output.flags() & AV_PKT_FLAG_KEY) != 0;
                pts = output.pts();
            } finally {
                av_packet_unref(output);
            }
        }
        if (data == null) {
            return null;
        }
        if (keyframe) {
            framesSinceKeyframe = 0;
        }
        framesEncoded++;
        long rtpTimestamp = rtpTimestampBySlot[(int) (pts & (TIMESTAMP_SLOTS - 1))];
        return new EncodedFrame(config.codec(), data, rtpTimestamp, keyframe);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** The next encoded frame will be a keyframe (IDR); many requests before it still make one. */
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    /** Applied at the next keyframe (scheduled or requested). */
    public void setBitrateKbps(int kbps) {
        if (kbps <= 0) {
            throw new IllegalArgumentException("bit rate must be positive: " + kbps);
        }
        targetKbps = kbps;
    }

    public VideoEncoderConfig config() {
        return config;
    }

    /** The FFmpeg encoder in use: libx264, libopenh264 or libvpx. */
    public String encoderName() {
        return encoderName;
    }

    public long framesEncoded() {
        return framesEncoded;
    }

    /** Frames the encoder refused and bit-rate changes it could not apply: native trouble, never expected. */
    public long failures() {
        return failures;
    }

    @Override
    public void close() {
        av_packet_free(output);
        av_frame_free(input);
        avcodec_free_context(context);
    }
}
