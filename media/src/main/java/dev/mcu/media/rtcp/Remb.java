package dev.mcu.media.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Receiver Estimated Maximum Bitrate, an application-layer PSFB (PT=206 FMT=15) from
 * draft-alvestrand-rmcat-remb-03 §2.2: the receiver's estimate of what it can take, in bits/s.
 * Parsed for the bitrate; written only by tests.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |  x Num SSRC
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * bitrate = mantissa * 2^exp.
 */
public record Remb(long senderSsrc, long bitrateBps, List<Long> ssrcs) implements RtcpPacket {
    private static final int IDENTIFIER = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';
    private static final int FIXED_SIZE = FeedbackHeader.SIZE + 8;
    private static final int MANTISSA_BITS = 18;
    private static final int MANTISSA_MASK = (1 << MANTISSA_BITS) - 1;
    private static final int EXP_MASK = 0x3f;
    /** The largest rate that fits a long and that {@link #writeTo} writes exactly; larger claims are capped to it. */
    public static final long MAX_BITRATE_BPS = (long) MANTISSA_MASK << (Long.SIZE - 1 - MANTISSA_BITS);

    public Remb {
        ssrcs = List.copyOf(ssrcs);
    }

    /** Parses one REMB at {@code b[at]}; {@code null} when broken or another application feedback. */
    public static Remb parse(byte[] b, int at, int length) {
        if (!FeedbackHeader.isValid(b, at, length, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_AFB)) {
            return null;
        }
        int size = RtcpHeader.packetSize(b, at);
        int p = at + FeedbackHeader.SIZE;
        if (size < FIXED_SIZE || (int) RtcpHeader.uint32(b, p) != IDENTIFIER) {
            return null;
        }
        int count = b[p + 4] & 0xff;
        int exp = (b[p + 5] & 0xff) >>> 2;
        long mantissa = ((b[p + 5] & 0x03L) << 16) | RtcpHeader.uint16(b, p + 6);
        if (FIXED_SIZE + 4 * count > size) {
            return null;
        }
        long bitrate = mantissa != 0 && exp >= Long.numberOfLeadingZeros(mantissa) ? MAX_BITRATE_BPS
                : Math.min(mantissa << exp, MAX_BITRATE_BPS);
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(RtcpHeader.uint32(b, p + 8 + 4 * i));
        }
        return new Remb(FeedbackHeader.senderSsrc(b, at), bitrate, ssrcs);
    }

    @Override
    public int encodedSize() {
        return FIXED_SIZE + 4 * ssrcs.size();
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        FeedbackHeader.write(out, at, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_AFB, size, senderSsrc, 0);
        int p = at + FeedbackHeader.SIZE;
        RtcpHeader.putUint32(out, p, IDENTIFIER);
        int exp = 0;
        long mantissa = bitrateBps;
        while (mantissa > MANTISSA_MASK && exp < EXP_MASK) {
            mantissa >>>= 1;
            exp++;
        }
        out[p + 4] = (byte) ssrcs.size();
        out[p + 5] = (byte) ((exp << 2) | (int) (mantissa >>> 16));
        RtcpHeader.putUint16(out, p + 6, (int) mantissa);
        for (int i = 0; i < ssrcs.size(); i++) {
            RtcpHeader.putUint32(out, p + 8 + 4 * i, ssrcs.get(i));
        }
        return size;
    }
}
