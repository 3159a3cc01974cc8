package dev.mcu.conference;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.decoder.VideoDecoder;
import dev.mcu.encoder.AudioEncoder;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.h264.H264Packetizer;
import dev.mcu.media.rtp.Depacketizer;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.media.vp8.Vp8Packetizer;

import java.util.Arrays;
import java.util.List;

/**
 * The far end of an {@link InMemoryMember}, made of the project's own codecs: it sends a tone and a
 * flat-coloured picture, and decodes what the room sent it, so tests assert on what a user would
 * hear and see. Threads: the test's thread only.
 */
final class TestPeer implements AutoCloseable {
    final InMemoryMember member;
    private final Codec audioCodec;
    private final Codec videoCodec;
    private final AudioEncoder audioEncoder;     // null without audio
    private final AudioDecoder audioDecoder;
    private final VideoEncoder videoEncoder;     // null without video
    private final VideoDecoder videoDecoder;
    private final Packetizer packetizer;
    private final Depacketizer depacketizer;
    private final int audioPayloadType;
    private final short[] pcm = new short[Audio.FRAME_SAMPLES];
    private int audioSeq;
    private long audioTimestamp;
    private long samplesSent;
    private long videoTimestamp;
    private I420Frame lastPicture;
    private int keyframeRequestsAnswered;

    TestPeer(InMemoryMember member) {
        this.member = member;
        this.audioCodec = codec(member, MediaKind.AUDIO);
        this.videoCodec = codec(member, MediaKind.VIDEO);
        this.audioPayloadType = member.streams().stream().filter(s -> s.kind() == MediaKind.AUDIO)
                .mapToInt(NegotiatedStream::payloadType).findFirst().orElse(0);
        this.audioEncoder = audioCodec == null ? null : AudioEncoder.create(audioCodec);
        this.audioDecoder = audioCodec == null ? null : new AudioDecoder(audioCodec);
        if (videoCodec != null) {
            this.videoEncoder = VideoEncoder.create(VideoEncoderConfig.of(videoCodec, 160, 96).withFps(10)
                    .withBitrateKbps(200).withKeyframeIntervalFrames(1000));
            this.videoDecoder = new VideoDecoder(videoCodec);
            this.packetizer = videoCodec == Codec.H264 ? new H264Packetizer(1, 96, 0x5555) : new Vp8Packetizer(96, 0x5555);
            this.depacketizer = videoCodec == Codec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();
        } else {
            this.videoEncoder = null;
            this.videoDecoder = null;
            this.packetizer = null;
            this.depacketizer = null;
        }
    }

    static TestPeer of(String id, Codec audio, Codec video) {
        return new TestPeer(InMemoryMember.of(id, audio, video));
    }

    static TestPeer of(String id, Codec audio, Codec video, Role role) {
        return new TestPeer(InMemoryMember.of(id, audio, video, role));
    }

    static TestPeer of(String id, Codec audio, Codec video, Role role, VideoReceiveCap cap) {
        return new TestPeer(InMemoryMember.of(id, audio, video, role, cap));
    }

    private static Codec codec(Member member, MediaKind kind) {
        return member.streams().stream().filter(s -> s.kind() == kind).map(NegotiatedStream::codec).findFirst()
                .orElse(null);
    }

    String id() {
        return member.id();
    }

    /** Sends 20 ms of a sine tone (amplitude 0 sends silence). */
    void sendTone(double frequency, int amplitude) {
        Tones.sine(pcm, frequency, amplitude, Audio.SAMPLE_RATE, samplesSent);
        samplesSent += pcm.length;
        byte[] payload = audioEncoder.encode(pcm);
        member.wire().receive(MediaKind.AUDIO,
                RtpPacket.build(audioPayloadType, audioSeq == 0, audioSeq, audioTimestamp, 0x1111, payload));
        audioSeq = (audioSeq + 1) & 0xffff;
        audioTimestamp += audioCodec.ticksPer20ms();
    }

    /** Sends one video frame of a flat colour (BT.601 Y, U, V); a keyframe when the room asked for one. */
    void sendPicture(int y, int u, int v) {
        sendPicture(y, u, v, 0);
    }

    /**
     * Sends one video frame of a colour with new random luma noise of up to +-{@code noise} in each
     * pixel: the same colour on average, but a picture the encoders must spend their whole rate on.
     */
    void sendPicture(int y, int u, int v, int noise) {
        I420Frame picture = I420Frame.solid(160, 96, y, u, v);
        if (noise > 0) {
            java.util.Random random = new java.util.Random(videoTimestamp);
            byte[] data = picture.data();
            for (int i = 0; i < 160 * 96; i++) {
                data[i] = (byte) Math.max(16, Math.min(235, y + random.nextInt(2 * noise + 1) - noise));
            }
        }
        videoTimestamp += 9000;
        int asked = member.wire().keyframeRequests();
        if (videoTimestamp == 9000 || asked > keyframeRequestsAnswered) {
            keyframeRequestsAnswered = asked;
            videoEncoder.requestKeyframe();
        }
        EncodedFrame frame = videoEncoder.encode(picture, videoTimestamp);
        if (frame != null) {
            for (byte[] packet : packetizer.packetize(frame)) {
                member.wire().receive(MediaKind.VIDEO, packet);
            }
        }
    }

    /** The next picture sent is a keyframe (the room asked for one). */
    void sendKeyframeNext() {
        videoEncoder.requestKeyframe();
    }

    /** Decodes what the room sent this peer since the last call: 48 kHz mono samples. */
    short[] heard() {
        short[] out = new short[0];
        for (byte[] packet : member.wire().drain(MediaKind.AUDIO)) {
            RtpPacket rtp = RtpPacket.parse(packet);
            short[] pcm48 = audioDecoder.decode(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
            int at = out.length;
            out = Arrays.copyOf(out, at + pcm48.length);
            System.arraycopy(pcm48, 0, out, at, pcm48.length);
        }
        return out;
    }

    /** The room's audio this peer received since the last call, as the RTP payloads. */
    List<byte[]> audioPayloads() {
        return member.wire().drain(MediaKind.AUDIO).stream().map(p -> {
            RtpPacket rtp = RtpPacket.parse(p);
            return Arrays.copyOfRange(rtp.buffer(), rtp.payloadOffset(), rtp.payloadOffset() + rtp.payloadLength());
        }).toList();
    }

    /** The loudness of {@code frequency} in the samples (0 when absent). */
    static double level(short[] samples, double frequency) {
        return samples.length == 0 ? 0 : Tones.amplitude(samples, frequency, Audio.SAMPLE_RATE);
    }

    /** Decodes the video the room sent since the last call; the newest picture so far (null before any). */
    I420Frame picture() {
        for (byte[] packet : member.wire().drain(MediaKind.VIDEO)) {
            EncodedFrame frame = depacketizer.push(RtpPacket.parse(packet));
            if (frame != null) {
                I420Frame decoded = videoDecoder.decode(frame);
                if (decoded != null) {
                    lastPicture = decoded;
                }
            }
        }
        return lastPicture;
    }

    @Override
    public void close() {
        if (audioEncoder != null) {
            audioEncoder.close();
            audioDecoder.close();
        }
        if (videoEncoder != null) {
            videoEncoder.close();
            videoDecoder.close();
        }
    }
}
