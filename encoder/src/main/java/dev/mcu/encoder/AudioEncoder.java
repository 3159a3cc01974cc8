package dev.mcu.encoder;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.ShortPointer;

import java.util.Arrays;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

/**
 * Encodes 20 ms of internal audio (48 kHz mono, {@link Audio}) into one RTP payload of PCMU, PCMA,
 * G.722 or Opus. Opus encodes mono at 48 kHz (its RTP name stays opus/48000/2: receivers decode
 * mono packets fine), tuned for voice; with in-band FEC only for receivers that said they use it
 * ({@code useinbandfec=1}, RFC 7587 §6.1: absent means 0): at complexity 10 FEC doubles the encoder's
 * CPU (a minute of a three-tone mix: 1.70 s with it, 0.92 s without; at 3 it adds little) and takes
 * bits from the main signal for a receiver that throws it away. Called by one mixing thread only.
 *
 * <p>Opus's complexity is chosen per encoder: a stream many hear (a room's shared listener mix) is
 * encoded once at full complexity, as the ffmpeg CLI would; a stream for one listener (a speaker's
 * mix-minus, up to K of them every 20 ms) at {@link #OPUS_COMPLEXITY_ONE_LISTENER} with FEC and
 * {@link #OPUS_COMPLEXITY_ONE_LISTENER_CELT} without. At 32 kbit/s with
 * FEC, a minute of a three-tone mix costs 1.8 s of CPU at complexity 10, 1.4 s at 6 and 0.8 s at 3 (the ffmpeg
 * CLI with these natives); 4 and 5 cost 1.1 s but leak more coding noise into a mix-minus
 * (RoomAudioTest: a talker's own tone at 132 against 52 at 3 and 10 at 10, on 6000).
 *
 * <p>A stream for one listener is also tuned for audio, not voice ({@link #forOneListener}): below
 * complexity 7 libopus runs no signal analysis and, tuned for voice, takes every input for speech and
 * codes it hybrid (SILK + CELT) at 32 kbit/s, twice the CPU of CELT alone (a minute of the three-tone
 * mix, no FEC, complexity 3: 0.73 s against 0.40 s; waveform SNR 15.5 against 31.2 dB). A mix-minus
 * is a sum of other people's voices, which CELT codes as it codes any sound. With in-band FEC libopus
 * keeps SILK whatever the tuning (FEC is SILK's), so a receiver that asked for FEC still gets it.
 */
public final class AudioEncoder implements AutoCloseable {
    /** libopus's highest (and FFmpeg's default) complexity: for a stream encoded once for many. */
    public static final int OPUS_COMPLEXITY_SHARED = 10;
    /** For a stream heard by one listener only (a mix-minus) with in-band FEC, which keeps it SILK (hybrid). */
    public static final int OPUS_COMPLEXITY_ONE_LISTENER = 3;
    /**
     * For a stream heard by one listener only without FEC, which libopus codes as CELT. CELT at 1
     * skips the time-frequency and spreading analyses that 2 and 3 run and keeps the transient
     * detection (0 drops it too): three summed voices, a minute at 32 kbit/s (the ffmpeg CLI of these
     * natives), cost 0.38 s of CPU against 0.51 s at 3 with the same segmental SNR (15.0 against 15.1 dB)
     * and log-spectral distance (8.41 dB both); at 0, 0.29 s but 9.91 dB. SILK (with FEC) at 1 is
     * worse (16.2 against 9.4 dB), hence {@link #OPUS_COMPLEXITY_ONE_LISTENER} there.
     */
    public static final int OPUS_COMPLEXITY_ONE_LISTENER_CELT = 1;
    private static final String OPUS_FOR_VOICE = "voip";
    private static final String OPUS_FOR_AUDIO = "audio";
    private static final byte[] NOTHING = new byte[0];

    private final Codec codec;
    private final int frameSamples;          // samples per 20 ms at the codec's own rate
    private final AVCodecContext context;    // owned: freed in close()
    private final AVFrame frame;             // owned: freed in close()
    private final AVPacket packet;           // owned: freed in close()
    private final RateConverter converter;   // owned, null for Opus (already 48 kHz)
    private final short[] resampled = new short[Audio.FRAME_SAMPLES]; // one frame at <= 48 kHz
    private final short[] pending;           // resampled samples not yet encoded
    private int pendingCount;
    private long nextPts;

    private final boolean inbandFec;

    private AudioEncoder(Codec codec, int opusComplexity, String opusApplication, boolean inbandFec) {
        if (opusComplexity < 0 || opusComplexity > 10) {
            throw new IllegalArgumentException("Opus complexity is 0 to 10, not " + opusComplexity);
        }
        this.codec = codec;
        this.inbandFec = inbandFec && codec == Codec.OPUS;
        this.frameSamples = codec.sampleRate() / (1000 / Audio.FRAME_MILLIS);
        this.context = Ffmpeg.openEncoder(encoderName(codec), c -> {
            c.sample_rate(codec.sampleRate()).sample_fmt(AV_SAMPLE_FMT_S16).frame_size(frameSamples);
            c.time_base().num(1).den(codec.sampleRate());
            av_channel_layout_default(c.ch_layout(), 1);
            if (codec == Codec.OPUS) {
                c.bit_rate(32_000);
                c.compression_level(opusComplexity); // FFmpeg's libopus wrapper passes it as OPUS_SET_COMPLEXITY
            }
        }, codec != Codec.OPUS ? Map.of()
                : inbandFec ? Map.of("application", opusApplication, "frame_duration", "20", "fec", "1", "packet_loss", "10")
                : Map.of("application", opusApplication, "frame_duration", "20"));
        this.frame = av_frame_alloc();
        this.packet = av_packet_alloc();
        this.converter = codec.sampleRate() == Audio.SAMPLE_RATE ? null : new RateConverter(codec.sampleRate());
        this.pending = new short[frameSamples + Audio.FRAME_SAMPLES];
        frame.nb_samples(frameSamples).format(AV_SAMPLE_FMT_S16).sample_rate(codec.sampleRate());
        av_channel_layout_default(frame.ch_layout(), 1);
        int ret = av_frame_get_buffer(frame, 0);
        if (ret < 0) {
            close();
            throw new IllegalStateException("cannot allocate the audio frame: " + Ffmpeg.error(ret));
        }
    }

    /** An encoder for a stream many hear: Opus at {@link #OPUS_COMPLEXITY_SHARED}, with in-band FEC. */
    public static AudioEncoder create(Codec codec) {
        return new AudioEncoder(codec, OPUS_COMPLEXITY_SHARED, OPUS_FOR_VOICE, true);
    }

    /**
     * With in-band FEC.
     *
     * @param opusComplexity 0 (cheapest) to 10 (best); only Opus has one, the other codecs ignore it
     * @throws IllegalArgumentException outside 0..10, or for a codec that is not audio
     */
    public static AudioEncoder create(Codec codec, int opusComplexity) {
        return new AudioEncoder(codec, opusComplexity, OPUS_FOR_VOICE, true);
    }

    /**
     * @param opusComplexity 0 (cheapest) to 10 (best); only Opus has one, the other codecs ignore it
     * @param inbandFec      Opus in-band FEC, for receivers that use it ({@code useinbandfec=1}); other codecs have none
     * @throws IllegalArgumentException outside 0..10, or for a codec that is not audio
     */
    public static AudioEncoder create(Codec codec, int opusComplexity, boolean inbandFec) {
        return new AudioEncoder(codec, opusComplexity, OPUS_FOR_VOICE, inbandFec);
    }

    /**
     * An encoder for a stream one participant hears (its mix-minus): Opus tuned for audio, so CELT
     * without FEC (see the class comment), at {@link #OPUS_COMPLEXITY_ONE_LISTENER_CELT}; with FEC
     * (SILK) at {@link #OPUS_COMPLEXITY_ONE_LISTENER}.
     *
     * @param inbandFec Opus in-band FEC, for a receiver that uses it; other codecs have none
     * @throws IllegalArgumentException for a codec that is not audio
     */
    public static AudioEncoder forOneListener(Codec codec, boolean inbandFec) {
        return forOneListener(codec, inbandFec,
                inbandFec ? OPUS_COMPLEXITY_ONE_LISTENER : OPUS_COMPLEXITY_ONE_LISTENER_CELT);
    }

    /** {@link #forOneListener(Codec, boolean)} at another complexity: for tests and benchmarks comparing them. */
    public static AudioEncoder forOneListener(Codec codec, boolean inbandFec, int opusComplexity) {
        return new AudioEncoder(codec, opusComplexity, OPUS_FOR_AUDIO, inbandFec);
    }

    /** Whether the payloads carry Opus in-band FEC. */
    public boolean inbandFec() {
        return inbandFec;
    }

    private static String encoderName(Codec codec) {
        return switch (codec) {
            case PCMU -> "pcm_mulaw";
            case PCMA -> "pcm_alaw";
            case G722 -> "g722";
            case OPUS -> "libopus"; // FFmpeg's native opus encoder is experimental and CELT-only
            default -> throw new IllegalArgumentException("no audio encoder for " + codec);
        };
    }

    /**
     * Encodes exactly {@link Audio#FRAME_SAMPLES} samples into one RTP payload. The first payload
     * starts with the resampler's few samples of delay as silence, so every payload is a full 20 ms.
     *
     * @throws IllegalArgumentException if the frame is not 20 ms at 48 kHz
     */
    public byte[] encode(short[] pcm48kMono960) {
        if (pcm48kMono960.length != Audio.FRAME_SAMPLES) {
            throw new IllegalArgumentException("expected " + Audio.FRAME_SAMPLES + " samples, got " + pcm48kMono960.length);
        }
        queue(pcm48kMono960);
        if (av_frame_make_writable(frame) < 0) {
            return NOTHING;
        }
        new ShortPointer(frame.data(0)).put(pending, 0, frameSamples);
        pendingCount -= frameSamples;
        System.arraycopy(pending, frameSamples, pending, 0, pendingCount);
        frame.pts(nextPts);
        nextPts += frameSamples;
        if (avcodec_send_frame(context, frame) < 0) {
            return NOTHING;
        }
        byte[] payload = NOTHING;
        while (avcodec_receive_packet(context, packet) >= 0) {
            try {
                payload = Ffmpeg.bytes(packet); // one packet per 20 ms frame for all four codecs
            } finally {
                av_packet_unref(packet);
            }
        }
        return payload;
    }

    /** Appends the frame at the codec's rate; tops a short queue up with leading silence. */
    private void queue(short[] pcm48k) {
        if (converter == null) {
            System.arraycopy(pcm48k, 0, pending, pendingCount, pcm48k.length);
            pendingCount += pcm48k.length;
        } else {
            int produced = converter.convert(pcm48k, resampled);
            System.arraycopy(resampled, 0, pending, pendingCount, produced);
            pendingCount += produced;
        }
        if (pendingCount < frameSamples) {
            int silence = frameSamples - pendingCount;
            System.arraycopy(pending, 0, pending, silence, pendingCount);
            Arrays.fill(pending, 0, silence, (short) 0);
            pendingCount = frameSamples;
        }
    }

    /** RTP timestamp ticks per payload (160 for G.711 and G.722, 960 for Opus). */
    public int rtpTicksPerFrame() {
        return codec.ticksPer20ms();
    }

    public Codec codec() {
        return codec;
    }

    @Override
    public void close() {
        if (converter != null) {
            converter.close();
        }
        av_packet_free(packet);
        av_frame_free(frame);
        avcodec_free_context(context);
    }
}
