package dev.mcu.decoder;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.Arrays;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * Decodes one participant's PCMU, PCMA, G.722 or Opus RTP payloads into 48 kHz mono PCM
 * ({@link dev.mcu.media.Audio}). Opus is opened as opus/48000/2, as RTP signals it, and downmixed.
 *
 * <p>Called by one decoding worker at a time (not thread-safe); counters may be read from any
 * thread. A payload the codec rejects yields an empty array and counts in {@link #errors()}.
 */
public final class AudioDecoder implements AutoCloseable {
    private static final short[] NOTHING = new short[0];

    private final Codec codec;
    private final AVCodecContext context;  // owned: freed in close()
    private final AVFrame frame;           // owned: freed in close()
    private final NativePacket packet;     // owned: closed in close()
    private final MonoResampler resampler; // owned: closed in close()

    private volatile long errors;
    private volatile long packets;

    public AudioDecoder(Codec codec) {
        if (codec.kind() != MediaKind.AUDIO) {
            throw new IllegalArgumentException("not an audio codec: " + codec);
        }
        this.codec = codec;
        this.context = Ffmpeg.openDecoder(decoderName(codec), c -> {
            c.sample_rate(codec.sampleRate());
            av_channel_layout_default(c.ch_layout(), codec == Codec.OPUS ? 2 : 1);
        });
        this.frame = av_frame_alloc();
        this.packet = new NativePacket();
        this.resampler = new MonoResampler();
    }

    private static String decoderName(Codec codec) {
        return switch (codec) {
            case PCMU -> "pcm_mulaw";
            case PCMA -> "pcm_alaw";
            case G722 -> "g722";
            case OPUS -> "opus"; // FFmpeg's own decoder: about 4x faster than libopus here
            default -> throw new IllegalArgumentException("no audio decoder for " + codec);
        };
    }

    /** The payload's audio at 48 kHz mono; any length (the resampler holds back a few samples). */
    public short[] decode(byte[] payload, int offset, int length) {
        packets++;
        if (length <= 0 || offset < 0 || offset + length > payload.length) {
            errors++;
            return NOTHING;
        }
        int ret = avcodec_send_packet(context, packet.wrap(payload, offset, length, packets));
        if (ret < 0) {
            errors++;
            return NOTHING;
        }
        short[] samples = NOTHING;
        while ((ret = avcodec_receive_frame(context, frame)) >= 0) {
            try {
                samples = append(samples, resampler.convert(frame));
            } finally {
                av_frame_unref(frame);
            }
        }
        if (ret != Ffmpeg.AVERROR_EAGAIN && ret != AVERROR_EOF) {
            errors++;
        }
        return samples;
    }

    private static short[] append(short[] head, short[] tail) {
        if (head.length == 0) {
            return tail;
        }
        short[] joined = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }

    /** Payloads rejected: empty, out of bounds, or refused by the codec. */
    public long errors() {
        return errors;
    }

    public long packets() {
        return packets;
    }

    public Codec codec() {
        return codec;
    }

    @Override
    public void close() {
        resampler.close();
        packet.close();
        av_frame_free(frame);
        avcodec_free_context(context);
    }
}
