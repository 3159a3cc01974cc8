package dev.mcu.encoder;

import dev.mcu.media.Audio;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
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
 * Resamples 48 kHz mono s16 to a codec's rate (8 or 16 kHz) through one persistent SwrContext, so
 * the low-pass filter runs continuously across 20 ms frames. Confined to the encoder's thread.
 */
final class RateConverter implements AutoCloseable {
    private final AVChannelLayout mono = new AVChannelLayout();             // owned: closed in close()
    private final ShortPointer in = new ShortPointer(Audio.FRAME_SAMPLES);    // owned
    private final ShortPointer out;                                          // owned
    private final PointerPointer<ShortPointer> inPlanes = new PointerPointer<>(1);  // owned
    private final PointerPointer<ShortPointer> outPlanes = new PointerPointer<>(1); // owned
    private SwrContext swr;                                                  // owned: freed in close()

    RateConverter(int outRate) {
        av_channel_layout_default(mono, 1);
        swr = new SwrContext(null);
        int ret = swr_alloc_set_opts2(swr, mono, AV_SAMPLE_FMT_S16, outRate,
                mono, AV_SAMPLE_FMT_S16, Audio.SAMPLE_RATE, 0, null);
        if (ret >= 0) {
            ret = swr_init(swr);
        }
        out = new ShortPointer(Math.max(Audio.FRAME_SAMPLES, swr_get_out_samples(swr, Audio.FRAME_SAMPLES)));
        inPlanes.put(0, in);
        outPlanes.put(0, out);
        if (ret < 0) {
            close();
            throw new IllegalStateException("cannot resample 48000 -> " + outRate + ": " + Ffmpeg.error(ret));
        }
    }

    /** Resamples one 20 ms frame; writes the output to {@code sink} and returns how many samples. */
    int convert(short[] pcm48k, short[] sink) {
        in.position(0).put(pcm48k, 0, pcm48k.length);
        int produced = swr_convert(swr, outPlanes, (int) out.capacity(), inPlanes, pcm48k.length);
        if (produced <= 0) {
            return 0;
        }
        out.position(0).get(sink, 0, produced);
        return produced;
    }

    @Override
    public void close() {
        swr_free(swr);
        outPlanes.close();
        inPlanes.close();
        out.close();
        in.close();
        av_channel_layout_uninit(mono);
        mono.close();
    }
}
