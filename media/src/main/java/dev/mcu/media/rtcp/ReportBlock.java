package dev.mcu.media.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * A reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes.
 *
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * @param fractionLost       lost fraction since the previous report, in 1/256
 * @param cumulativeLost     24-bit signed (duplicates can make it negative)
 * @param lastSr             middle 32 bits of the NTP timestamp of the last SR received, 0 if none
 * @param delaySinceLastSr   in 1/65536 seconds
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence,
                          long jitter, long lastSr, long delaySinceLastSr) {
    public static final int SIZE = 24;
    static final int MAX_CUMULATIVE_LOST = 0x7fffff;
    static final int MIN_CUMULATIVE_LOST = -0x800000;

    static ReportBlock parse(byte[] b, int at) {
        int lost = (int) (RtcpHeader.uint32(b, at + 4) & 0xffffff);
        int signedLost = (lost << 8) >> 8;
        return new ReportBlock(RtcpHeader.uint32(b, at), b[at + 4] & 0xff, signedLost,
                RtcpHeader.uint32(b, at + 8), RtcpHeader.uint32(b, at + 12), RtcpHeader.uint32(b, at + 16),
                RtcpHeader.uint32(b, at + 20));
    }

    int writeTo(byte[] out, int at) {
        RtcpHeader.putUint32(out, at, ssrc);
        int lost = Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, cumulativeLost));
        RtcpHeader.putUint32(out, at + 4, ((long) (fractionLost & 0xff) << 24) | (lost & 0xffffff));
        RtcpHeader.putUint32(out, at + 8, extendedHighestSequence);
        RtcpHeader.putUint32(out, at + 12, jitter);
        RtcpHeader.putUint32(out, at + 16, lastSr);
        RtcpHeader.putUint32(out, at + 20, delaySinceLastSr);
        return SIZE;
    }

    /**
     * The report blocks of an SR or RR at {@code b[at]} (count from its header), which start
     * {@code fixedSize} bytes in; {@code null} when they do not fit the packet's length.
     */
    static List<ReportBlock> parseAll(byte[] b, int at, int fixedSize) {
        int count = RtcpHeader.count(b, at);
        if (fixedSize + count * SIZE > RtcpHeader.packetSize(b, at)) {
            return null;
        }
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(parse(b, at + fixedSize + i * SIZE));
        }
        return blocks;
    }

    static void writeAll(List<ReportBlock> blocks, byte[] out, int at) {
        int p = at;
        for (ReportBlock block : blocks) {
            p += block.writeTo(out, p);
        }
    }
}
