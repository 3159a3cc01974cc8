package dev.mcu.decoder;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * Decodes one participant's H.264 (Annex B access units) or VP8 frames into I420 pictures.
 *
 * <p>Called by one decoding worker at a time (not thread-safe); {@link #keyframeNeeded()} and the
 * counters may be read from any thread. Bad data is never thrown: it is counted, and
 * {@link #keyframeNeeded()} stays true until a keyframe decodes cleanly, so the caller knows to
 * send a PLI. Resolution changes need nothing special: each picture carries its own size.
 */
public final class VideoDecoder implements AutoCloseable {
    private static final long RTP_VIDEO_CLOCK = 90_000;

    private final Codec codec;
    private final AVCodecContext context;  // owned: freed in close()
    private final AVFrame picture;         // owned: freed in close()
    private final NativePacket packet;     // owned: closed in close()
    private final I420Extractor extractor; // owned: closed in close()

    /** The box pictures are fitted into, width in the high half, height in the low; 0 = as decoded. */
    private volatile long fitBox;
    private volatile boolean keyframeNeeded;
    private volatile long errors;
    private volatile long pictures;

    public VideoDecoder(Codec codec) {
        if (codec.kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("not a video codec: " + codec);
        }
        this.codec = codec;
        this.context = Ffmpeg.openDecoder(decoderName(codec), c -> c
                .thread_count(1) // frame threads add a frame of latency per thread
                .flags(c.flags() | AV_CODEC_FLAG_LOW_DELAY));
        this.picture = av_frame_alloc();
        this.packet = new NativePacket();
        this.extractor = new I420Extractor();
    }

    private static String decoderName(Codec codec) {
        return switch (codec) {
            case H264 -> "h264";
            case VP8 -> "vp8";
            default -> throw new IllegalArgumentException("no video decoder for " + codec);
        };
    }

    /**
     * Decodes one access unit; returns the picture it completed (the last one, should there be
     * several), or null when none came out (waiting for a keyframe, corrupt data, empty input).
     * The picture's timestamp is the frame's RTP timestamp in microseconds.
     */
    public I420Frame decode(EncodedFrame frame) {
        byte[] data = frame.data();
        if (data.length == 0) {
            return null;
        }
        int ret = avcodec_send_packet(context, packet.wrap(data, 0, data.length, frame.rtpTimestamp()));
        if (ret < 0 && ret != Ffmpeg.AVERROR_EAGAIN) {
            failed();
            return null;
        }
        I420Frame last = null;
        while ((ret = avcodec_receive_frame(context, picture)) >= 0) {
            try {
                last = accept(picture);
            } finally {
                av_frame_unref(picture);
            }
        }
        if (ret != Ffmpeg.AVERROR_EAGAIN && ret != AVERROR_EOF) {
            failed();
        }
        return last;
    }

    private I420Frame accept(AVFrame decoded) {
        boolean corrupt = decoded.decode_error_flags() != 0 || (decoded.flags() & Ffmpeg.FRAME_FLAG_CORRUPT) != 0;
        if (corrupt) {
            failed();
        } else if ((decoded.flags() & Ffmpeg.FRAME_FLAG_KEY) != 0) {
            keyframeNeeded = false;
        }
        long box = fitBox;
        I420Frame out = extractor.extract(decoded, decoded.pts() * 1_000_000 / RTP_VIDEO_CLOCK,
                (int) (box >>> 32), (int) box);
        if (out == null) {
            failed();
            return null;
        }
        pictures++;
        return out;
    }

    private void failed() {
        errors++;
        keyframeNeeded = true;
    }

    /**
     * From the next picture on, pictures come out fitted into {@code width x height} (the tile that
     * shows them), scaled while still native: the compositor then only copies rows. 0 x 0 = at the
     * decoded size. Any thread.
     */
    public void fitInto(int width, int height) {
        fitBox = width < 2 || height < 2 ? 0 : ((long) width << 32) | height;
    }

    /** True after a decode error until a keyframe decodes cleanly: time to ask the sender for one. */
    public boolean keyframeNeeded() {
        return keyframeNeeded;
    }

    /** Access units the decoder rejected plus pictures it flagged as damaged. */
    public long errors() {
        return errors;
    }

    public long pictures() {
        return pictures;
    }

    public Codec codec() {
        return codec;
    }

    @Override
    public void close() {
        extractor.close();
        packet.close();
        av_frame_free(picture);
        avcodec_free_context(context);
    }
}
