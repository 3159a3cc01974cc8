package dev.mcu.media.rtcp;

import java.util.List;

/**
 * RTCP SR, packet type 200 (RFC 3550 §6.4.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP timestamp                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sender's packet count                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * @param ntpTimestamp 64-bit NTP time (seconds since 1900 in the high word), see {@link NtpTime}
 * @param octetCount   payload bytes sent (headers and padding excluded)
 */
public record SenderReport(long senderSsrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
                           long octetCount, List<ReportBlock> reports) implements RtcpPacket {
    private static final int FIXED_SIZE = 28;
    public static final int MAX_REPORTS = 31;

    public SenderReport {
        reports = List.copyOf(reports);
        if (reports.size() > MAX_REPORTS) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + reports.size());
        }
    }

    /** Parses one SR at {@code b[at]}; {@code null} when broken. Profile extensions are ignored. */
    public static SenderReport parse(byte[] b, int at, int length) {
        if (!RtcpHeader.isValid(b, at, length, RtcpHeader.PT_SR)) {
            return null;
        }
        List<ReportBlock> blocks = ReportBlock.parseAll(b, at, FIXED_SIZE);
        if (blocks == null) {
            return null;
        }
        long ntp = (RtcpHeader.uint32(b, at + 8) << 32) | RtcpHeader.uint32(b, at + 12);
        return new SenderReport(RtcpHeader.uint32(b, at + 4), ntp, RtcpHeader.uint32(b, at + 16),
                RtcpHeader.uint32(b, at + 20), RtcpHeader.uint32(b, at + 24), blocks);
    }

    @Override
    public int encodedSize() {
        return FIXED_SIZE + reports.size() * ReportBlock.SIZE;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        RtcpHeader.write(out, at, reports.size(), RtcpHeader.PT_SR, size);
        RtcpHeader.putUint32(out, at + 4, senderSsrc);
        RtcpHeader.putUint32(out, at + 8, ntpTimestamp >>> 32);
        RtcpHeader.putUint32(out, at + 12, ntpTimestamp);
        RtcpHeader.putUint32(out, at + 16, rtpTimestamp);
        RtcpHeader.putUint32(out, at + 20, packetCount);
        RtcpHeader.putUint32(out, at + 24, octetCount);
        ReportBlock.writeAll(reports, out, at + FIXED_SIZE);
        return size;
    }
}
