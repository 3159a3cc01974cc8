package dev.mcu.transport;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;

import java.util.Map;

/** Negotiated streams and packets the transport tests share. */
final class TestStreams {
    static final int VIDEO_PT = 109;
    static final int AUDIO_PT = 0;
    static final int TELEPHONE_EVENT_PT = 101;
    /** The payload type the MCU's packetizer uses before the transport rewrites it. */
    static final int INTERNAL_PT = 96;
    static final long REMOTE_SSRC = 0x1234_5678L;
    static final long MCU_SSRC = 0xcafe_babeL;

    private TestStreams() {
    }

    static NegotiatedStream video() {
        return video(Direction.SENDRECV);
    }

    static NegotiatedStream video(Direction direction) {
        return new NegotiatedStream(MediaKind.VIDEO, Codec.H264, VIDEO_PT, Map.of("packetization-mode", "1"), -1,
                direction, 0);
    }

    static NegotiatedStream audio() {
        return new NegotiatedStream(MediaKind.AUDIO, Codec.PCMU, AUDIO_PT, Map.of(), TELEPHONE_EVENT_PT,
                Direction.SENDRECV, 0);
    }

    /** What the phone sends on the video stream. */
    static byte[] remoteVideo(int seq) {
        return RtpPacket.build(VIDEO_PT, false, seq, seq * 3000L, REMOTE_SSRC, new byte[] {1, 2, 3, 4});
    }

    /** What the MCU's packetizer hands the transport. */
    static byte[] mcuVideo(int seq) {
        return RtpPacket.build(INTERNAL_PT, true, seq, seq * 3000L, MCU_SSRC, new byte[] {9, 8, 7});
    }
}
