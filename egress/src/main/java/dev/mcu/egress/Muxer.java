package dev.mcu.egress;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_find_protocol_name;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * One FFmpeg output (a file, an RTMP/SRT connection or an HLS playlist) with an H.264 and an AAC
 * stream, fed already-compressed packets. The H.264 parameter sets go into extradata in Annex B
 * form; FFmpeg's FLV, MP4 and Matroska muxers turn them (and each Annex B packet) into avcC form,
 * MPEG-TS keeps them as they are.
 *
 * <p>Owns every native object it allocates (format context, I/O context, packet) and frees them in
 * {@link #close()}, which also undoes a half-finished {@link #open}. Confined to one egress thread.
 */
final class Muxer implements AutoCloseable {
    private static final AVRational MICROSECONDS = new AVRational().num(1).den(1_000_000);

    static {
        av_log_set_level(AV_LOG_ERROR);
    }

    private AVFormatContext context;          // owned: freed in close()
    private AVIOContext io;                   // owned when the format writes through one: closed in close()
    private final AVPacket packet;            // owned: freed in close()
    private AVStream video;                   // borrowed from context
    private AVStream audio;                   // borrowed from context
    private boolean headerWritten;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long audioFrameDuration;          // 1,024 samples in the audio stream's time base
    private boolean packetFreed;

    private Muxer() {
        this.packet = av_packet_alloc();
    }

    /** True when this FFmpeg build can open URLs of the scheme (e.g. "srt" needs libsrt). */
    static boolean hasProtocol(String scheme) {
        return avio_find_protocol_name(scheme + "://probe") != null;
    }

    /**
     * Opens the output and writes its header.
     *
     * @param h264ParameterSets SPS and PPS as an Annex B stream
     * @param audioSpecificConfig the AAC encoder's extradata
     */
    static Muxer open(EgressTarget target, int width, int height, byte[] h264ParameterSets,
                      byte[] audioSpecificConfig, int sampleRate, int channels) throws MuxerException {
        Muxer muxer = new Muxer();
        boolean success = false;
        try {
            muxer.start(target, width, height, h264ParameterSets, audioSpecificConfig, sampleRate, channels);
            success = true;
            return muxer;
        } finally {
            if (!success) {
                muxer.close();
            }
        }
    }

    private void start(EgressTarget target, int width, int height, byte[] parameterSets,
                       byte[] audioConfig, int sampleRate, int channels) throws MuxerException {
        AVFormatContext allocated = new AVFormatContext(null);
        check(avformat_alloc_output_context2(allocated, null, target.format(), target.location()),
                "set up the " + target.format() + " muxer");
        context = allocated;

        video = newStream("video");
        AVCodecParameters v = video.codecpar();
        v.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(AV_CODEC_ID_H264).width(width).height(height);
        setExtradata(v, parameterSets);
        video.time_base().num(1).den(90_000);

        audio = newStream("audio");
        AVCodecParameters a = audio.codecpar();
        a.codec_type(AVMEDIA_TYPE_AUDIO).codec_id(AV_CODEC_ID_AAC).sample_rate(sampleRate).frame_size(1024);
        av_channel_layout_default(a.ch_layout(), channels);
        setExtradata(a, audioConfig);
        audio.time_base().num(1).den(sampleRate);

        if ((context.oformat().flags() & AVFMT_NOFILE) == 0) {
            AVIOContext opened = new AVIOContext(null);
            AVDictionary options = dictionary(target.ioOptions());
            try {
                check(avio_open2(opened, target.location(), AVIO_FLAG_WRITE, null, options), "open " + target.displayName());
            } finally {
                av_dict_free(options);
            }
            io = opened;
            context.pb(io);
        }
        AVDictionary options = dictionary(target.muxOptions());
        try {
            check(avformat_write_header(context, options), "write the " + target.format() + " header to " + target.displayName());
        } finally {
            av_dict_free(options);
        }
        headerWritten = true;
        // The muxer may have changed the time bases (FLV uses milliseconds).
        audioFrameDuration = av_rescale_q(1024, new AVRational().num(1).den(sampleRate), audio.time_base());
    }

    private AVStream newStream(String what) throws MuxerException {
        AVStream stream = avformat_new_stream(context, null);
        if (stream == null) {
            throw new MuxerException("cannot add the " + what + " stream: out of memory");
        }
        return stream;
    }

    /** Copies into av_mallocz'd memory, which the format context frees with the stream. */
    private static void setExtradata(AVCodecParameters parameters, byte[] bytes) {
        Pointer memory = av_mallocz(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE);
        if (memory == null || memory.isNull()) {
            throw new OutOfMemoryError("av_mallocz for " + bytes.length + " bytes of extradata");
        }
        new BytePointer(memory).put(bytes, 0, bytes.length);
        parameters.extradata(new BytePointer(memory)).extradata_size(bytes.length);
    }

    /**
     * Writes one packet, stamped {@code timeMicros} after the output's start. Timestamps are forced
     * strictly increasing per stream, as MP4 and FLV require.
     */
    void write(MuxPacket unit, long timeMicros) throws MuxerException {
        AVStream stream = unit.video() ? video : audio;
        check(av_new_packet(packet, unit.data().length), "allocate a packet");
        try {
            packet.data().put(unit.data(), 0, unit.data().length);
            long dts = av_rescale_q(timeMicros, MICROSECONDS, stream.time_base());
            long last = unit.video() ? lastVideoDts : lastAudioDts;
            if (dts <= last) {
                dts = last + 1;
            }
            if (unit.video()) {
                lastVideoDts = dts;
            } else {
                lastAudioDts = dts;
                packet.duration(audioFrameDuration);
            }
            packet.pts(dts).dts(dts).stream_index(stream.index()).flags(unit.keyframe() ? AV_PKT_FLAG_KEY : 0);
            // Takes the packet's reference and leaves the packet blank, on success and on failure.
            check(av_interleaved_write_frame(context, packet), "write a " + (unit.video() ? "video" : "audio") + " packet");
        } finally {
            av_packet_unref(packet);
        }
    }

    /**
     * Finishes the output (trailer: MP4 index, HLS end of list) and frees everything; safe to call
     * twice. Returns why the output could not be finished cleanly, or null.
     */
    String finish() {
        String failure = null;
        if (context != null) {
            if (headerWritten) {
                headerWritten = false;
                int ret = av_write_trailer(context);
                if (ret < 0) {
                    failure = "cannot finish the output: " + error(ret);
                }
            }
            if (io != null) {
                avio_closep(io);
                io = null;
                context.pb(null);
            }
            avformat_free_context(context);
            context = null;
            video = null;
            audio = null;
        }
        if (!packetFreed) {
            packetFreed = true;
            av_packet_free(packet);
        }
        return failure;
    }

    @Override
    public void close() {
        finish();
    }

    private static AVDictionary dictionary(Map<String, String> entries) {
        AVDictionary dictionary = new AVDictionary(null);
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            av_dict_set(dictionary, entry.getKey(), entry.getValue(), 0);
        }
        return dictionary;
    }

    private static void check(int ret, String step) throws MuxerException {
        if (ret < 0) {
            throw new MuxerException("cannot " + step + ": " + error(ret));
        }
    }

    static String error(int code) {
        byte[] text = new byte[128];
        av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.US_ASCII) + " (" + code + ")";
    }
}
