package dev.mcu.decoder;

import dev.mcu.media.Audio;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

/**
 * Converts decoded audio frames (any rate, sample format and channel count) to the internal
 * 48 kHz mono s16 ({@link Audio}). One SwrContext lives as long as the input format stays the
 * same, so the resampling filter's state carries across packets. Confined to the decoder's thread.
 */
final class MonoResampler implements AutoCloseable {
    private static final short[] NOTHING = new short[0];

    private final AVChannelLayout mono = new AVChannelLayout(); // owned: closed in close()
    private final PointerPointer<ShortPointer> outPlanes = new PointerPointer<>(1); // owned
    private ShortPointer out = new ShortPointer(Audio.FRAME_SAMPLES * 2);            // owned, grows
    private SwrContext swr;                                     // owned: rebuilt on format change
    private int inFormat = -1;
    private int inRate = -1;
    private int inChannels = -1;

    MonoResampler() {
        av_channel_layout_default(mono, 1);
        outPlanes.put(0, out);
    }

    /** The frame's samples at 48 kHz mono; empty when the resampler cannot be built for its format. */
    short[] convert(AVFrame frame) {
        if (!ready(frame)) {
            return NOTHING;
        }
        int capacity = swr_get_out_samples(swr, frame.nb_samples());
        if (capacity > out.capacity()) {
            out.close();
            out = new ShortPointer(capacity);
            outPlanes.put(0, out);
        }
        int produced = swr_convert(swr, outPlanes, (int) out.capacity(), frame.extended_data(), frame.nb_samples());
        if (produced <= 0) {
            return NOTHING;
        }
        short[] samples = new short[produced];
        out.position(0).get(samples);
        return samples;
    }

    private boolean ready(AVFrame frame) {
        int channels = frame.ch_layout().nb_channels();
        if (swr != null && frame.format() == inFormat && frame.sample_rate() == inRate && channels == inChannels) {
            return true;
        }
        freeSwr();
        SwrContext created = new SwrContext(null);
        int ret = swr_alloc_set_opts2(created, mono, AV_SAMPLE_FMT_S16, Audio.SAMPLE_RATE,
                frame.ch_layout(), frame.format(), frame.sample_rate(), 0, null);
        if (ret < 0 || created.isNull()) {
            return false;
        }
        swr = created;
        if (swr_init(swr) < 0) {
            freeSwr();
            return false;
        }
        inFormat = frame.format();
        inRate = frame.sample_rate();
        inChannels = channels;
        return true;
    }

    private void freeSwr() {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        inFormat = inRate = inChannels = -1;
    }

    @Override
    public void close() {
        freeSwr();
        outPlanes.close();
        out.close();
        av_channel_layout_uninit(mono);
        mono.close();
    }
}
