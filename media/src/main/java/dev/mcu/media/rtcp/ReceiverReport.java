package dev.mcu.media.rtcp;

import java.util.List;

/**
 * RTCP RR, packet type 201 (RFC 3550 §6.4.2).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 */
public record ReceiverReport(long senderSsrc, List<ReportBlock> reports) implements RtcpPacket {
    private static final int FIXED_SIZE = 8;

    public ReceiverReport {
        reports = List.copyOf(reports);
        if (reports.size() > SenderReport.MAX_REPORTS) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + reports.size());
        }
    }

    /** Parses one RR at {@code b[at]}; {@code null} when broken. */
    public static ReceiverReport parse(byte[] b, int at, int length) {
        if (!RtcpHeader.isValid(b, at, length, RtcpHeader.PT_RR)) {
            return null;
        }
        List<ReportBlock> blocks = ReportBlock.parseAll(b, at, FIXED_SIZE);
        if (blocks == null) {
            return null;
        }
        return new ReceiverReport(RtcpHeader.uint32(b, at + 4), blocks);
    }

    @Override
    public int encodedSize() {
        return FIXED_SIZE + reports.size() * ReportBlock.SIZE;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        RtcpHeader.write(out, at, reports.size(), RtcpHeader.PT_RR, size);
        RtcpHeader.putUint32(out, at + 4, senderSsrc);
        ReportBlock.writeAll(reports, out, at + FIXED_SIZE);
        return size;
    }
}
