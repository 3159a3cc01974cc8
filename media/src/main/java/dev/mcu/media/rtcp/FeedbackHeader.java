package dev.mcu.media.rtcp;

/**
 * The common part of RTPFB/PSFB feedback messages (RFC 4585 §6.1). Stateless.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 */
final class FeedbackHeader {
    static final int SIZE = 12;
    static final int FMT_NACK = 1;
    static final int FMT_PLI = 1;
    static final int FMT_FIR = 4;
    static final int FMT_AFB = 15;

    private FeedbackHeader() {
    }

    /** Header valid for {@code packetType}/{@code fmt} with room for sender and media SSRC. */
    static boolean isValid(byte[] b, int at, int length, int packetType, int fmt) {
        return RtcpHeader.isValid(b, at, length, packetType) && RtcpHeader.count(b, at) == fmt
                && RtcpHeader.packetSize(b, at) >= SIZE;
    }

    static long senderSsrc(byte[] b, int at) {
        return RtcpHeader.uint32(b, at + 4);
    }

    static long mediaSsrc(byte[] b, int at) {
        return RtcpHeader.uint32(b, at + 8);
    }

    static void write(byte[] out, int at, int packetType, int fmt, int totalSize, long senderSsrc, long mediaSsrc) {
        RtcpHeader.write(out, at, fmt, packetType, totalSize);
        RtcpHeader.putUint32(out, at + 4, senderSsrc);
        RtcpHeader.putUint32(out, at + 8, mediaSsrc);
    }
}
