package dev.mcu.media.rtcp;

/**
 * PSFB Picture Loss Indication, PT=206 FMT=1 (RFC 4585 §6.3.1): no FCI.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=206      |          length=2             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record PictureLossIndication(long senderSsrc, long mediaSsrc) implements RtcpPacket {

    /** Parses one PLI at {@code b[at]}; {@code null} when broken. */
    public static PictureLossIndication parse(byte[] b, int at, int length) {
        if (!FeedbackHeader.isValid(b, at, length, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_PLI)) {
            return null;
        }
        return new PictureLossIndication(FeedbackHeader.senderSsrc(b, at), FeedbackHeader.mediaSsrc(b, at));
    }

    @Override
    public int encodedSize() {
        return FeedbackHeader.SIZE;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        FeedbackHeader.write(out, at, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_PLI, FeedbackHeader.SIZE,
                senderSsrc, mediaSsrc);
        return FeedbackHeader.SIZE;
    }
}
