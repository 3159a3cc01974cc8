package dev.mcu.encoder;

import dev.mcu.media.Audio;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

/**
 * Encodes the internal audio (48 kHz mono, {@link Audio}) to AAC-LC for muxers (RTMP, MPEG-TS,
 * MP4, Matroska): raw AAC frames of 1,024 samples plus the AudioSpecificConfig a container stores
 * once. FFmpeg's native AAC encoder, which the LGPL build has (no fdk-aac).
 *
 * <p>Called by one thread at a time (the room's audio clock); the caller serialises close().
 */
public final class AacEncoder implements AutoCloseable {
    /** One AAC frame; {@code pts} counts 48 kHz samples of the input, negative for the encoder's priming. */
    public record AacFrame(byte[] data, long pts) {
    }

    private final AVCodecContext context;    // owned: freed in close()
    private final AVFrame frame;             // owned: freed in close()
    private final AVPacket packet;           // owned: freed in close()
    private final int frameSamples;          // 1,024 for AAC-LC
    private final float[] pending;           // input samples not yet encoded
    private final byte[] audioSpecificConfig;
    private int pendingCount;
    private long nextPts;

    private AacEncoder(int bitrate) {
        this.context = Ffmpeg.openEncoder("aac", c -> {
            c.sample_rate(Audio.SAMPLE_RATE).sample_fmt(AV_SAMPLE_FMT_FLTP).bit_rate(bitrate);
            c.time_base().num(1).den(Audio.SAMPLE_RATE);
            c.flags(c.flags() | AV_CODEC_FLAG_GLOBAL_HEADER); // the config goes to extradata, not ADTS
            av_channel_layout_default(c.ch_layout(), 1);
        }, Map.of());
        this.frameSamples = context.frame_size();
        this.pending = new float[frameSamples + Audio.FRAME_SAMPLES];
        this.audioSpecificConfig = new byte[context.extradata_size()];
        context.extradata().get(audioSpecificConfig);
        this.frame = av_frame_alloc();
        this.packet = av_packet_alloc();
        frame.nb_samples(frameSamples).format(AV_SAMPLE_FMT_FLTP).sample_rate(Audio.SAMPLE_RATE);
        av_channel_layout_default(frame.ch_layout(), 1);
        int ret = av_frame_get_buffer(frame, 0);
        if (ret < 0) {
            close();
            throw new IllegalStateException("cannot allocate the AAC input frame: " + Ffmpeg.error(ret));
        }
    }

    /** An AAC-LC encoder, 48 kHz mono, at {@code bitrate} bit/s (64,000 is plenty for a voice mix). */
    public static AacEncoder create(int bitrate) {
        return new AacEncoder(bitrate);
    }

    /** The AudioSpecificConfig (ISO 14496-3) a container stores as the stream's extradata. */
    public byte[] audioSpecificConfig() {
        return audioSpecificConfig.clone();
    }

    public int sampleRate() {
        return Audio.SAMPLE_RATE;
    }

    public int channels() {
        return 1;
    }

    /** Samples per AAC frame (1,024). */
    public int frameSamples() {
        return frameSamples;
    }

    /**
     * Queues 20 ms of PCM and returns the AAC frames that completed (zero, one or two: 960 samples
     * in, 1,024 per frame out).
     */
    public List<AacFrame> encode(short[] pcm48kMono) {
        if (pcm48kMono.length != Audio.FRAME_SAMPLES) {
            throw new IllegalArgumentException("expected " + Audio.FRAME_SAMPLES + " samples, got " + pcm48kMono.length);
        }
        for (short sample : pcm48kMono) {
            pending[pendingCount++] = sample / 32768f;
        }
        List<AacFrame> out = new ArrayList<>(2);
        while (pendingCount >= frameSamples) {
            if (av_frame_make_writable(frame) < 0) {
                pendingCount = 0;
                break;
            }
            new FloatPointer(frame.data(0)).put(pending, 0, frameSamples);
            pendingCount -= frameSamples;
            System.arraycopy(pending, frameSamples, pending, 0, pendingCount);
            frame.pts(nextPts);
            nextPts += frameSamples;
            if (avcodec_send_frame(context, frame) < 0) {
                continue;
            }
            while (avcodec_receive_packet(context, packet) >= 0) {
                try {
                    out.add(new AacFrame(Ffmpeg.bytes(packet), packet.pts()));
                } finally {
                    av_packet_unref(packet);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        av_packet_free(packet);
        av_frame_free(frame);
        avcodec_free_context(context);
    }
}
