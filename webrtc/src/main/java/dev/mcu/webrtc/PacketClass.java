package dev.mcu.webrtc;

/**
 * What arrived on a port that carries STUN, DTLS and SRTP/SRTCP at once, told apart by the first
 * byte (RFC 7983 §7) and, for RTP versus RTCP, by the second (RFC 5761 §4).
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |                |
 *                  |      [16..19] -+--> forward to ZRTP      (UNKNOWN here)
 *                  |                |
 *      packet -->  |      [20..63] -+--> forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--> forward to TURN Channel (UNKNOWN here)
 *                  |                |
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 * </pre>
 *
 * RTCP packet types 192..223 (SR 200, RR 201, SDES 202, BYE 203, APP 204, RTPFB 205, PSFB 206...)
 * appear in the second byte as 64..95 once the marker bit is masked, which RTP payload types must
 * avoid when muxed. Stateless; any thread.
 */
public enum PacketClass {
    STUN,
    DTLS,
    RTP,
    RTCP,
    UNKNOWN;

    private static final int PAYLOAD_TYPE_MASK = 0x7f;
    private static final int RTCP_PT_LOW = 64;
    private static final int RTCP_PT_HIGH = 95;

    /** Classifies {@code packet[offset, offset+length)}. */
    public static PacketClass classify(byte[] packet, int offset, int length) {
        if (length < 1) {
            return UNKNOWN;
        }
        int second = length >= 2 ? packet[offset + 1] & 0xff : -1;
        return classify(packet[offset] & 0xff, second);
    }

    public static PacketClass classify(byte[] packet) {
        return classify(packet, 0, packet.length);
    }

    /**
     * Classifies from the first two bytes, for callers that peek into their own buffers (a Netty
     * {@code ByteBuf}); {@code secondByte} is -1 when the packet has only one byte.
     */
    public static PacketClass classify(int firstByte, int secondByte) {
        if (firstByte <= 3) {
            return STUN;
        }
        if (firstByte >= 20 && firstByte <= 63) {
            return DTLS;
        }
        if (firstByte >= 128 && firstByte <= 191) {
            if (secondByte < 0) {
                return UNKNOWN;
            }
            int payloadType = secondByte & PAYLOAD_TYPE_MASK;
            return payloadType >= RTCP_PT_LOW && payloadType <= RTCP_PT_HIGH ? RTCP : RTP;
        }
        return UNKNOWN;
    }
}
