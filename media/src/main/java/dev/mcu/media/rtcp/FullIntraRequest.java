package dev.mcu.media.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * PSFB Full Intra Request, PT=206 FMT=4 (RFC 5104 §4.3.1). The header's media SSRC is 0; each FCI
 * entry names the media sender and a command sequence number that increases per new request (a
 * repeated number is a retransmission of the same request).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=4  |   PT=206      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (unused, 0)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |  x N
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record FullIntraRequest(long senderSsrc, List<Entry> entries) implements RtcpPacket {
    private static final int ENTRY_SIZE = 8;

    public record Entry(long ssrc, int sequenceNumber) {
    }

    public FullIntraRequest {
        entries = List.copyOf(entries);
    }

    /** Parses one FIR at {@code b[at]}; {@code null} when broken. */
    public static FullIntraRequest parse(byte[] b, int at, int length) {
        if (!FeedbackHeader.isValid(b, at, length, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_FIR)) {
            return null;
        }
        int end = at + RtcpHeader.packetSize(b, at);
        List<Entry> entries = new ArrayList<>();
        for (int p = at + FeedbackHeader.SIZE; p + ENTRY_SIZE <= end; p += ENTRY_SIZE) {
            entries.add(new Entry(RtcpHeader.uint32(b, p), b[p + 4] & 0xff));
        }
        return new FullIntraRequest(FeedbackHeader.senderSsrc(b, at), entries);
    }

    @Override
    public int encodedSize() {
        return FeedbackHeader.SIZE + ENTRY_SIZE * entries.size();
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        FeedbackHeader.write(out, at, RtcpHeader.PT_PSFB, FeedbackHeader.FMT_FIR, size, senderSsrc, 0);
        int p = at + FeedbackHeader.SIZE;
        for (Entry entry : entries) {
            RtcpHeader.putUint32(out, p, entry.ssrc());
            RtcpHeader.putUint32(out, p + 4, (long) (entry.sequenceNumber() & 0xff) << 24);
            p += ENTRY_SIZE;
        }
        return size;
    }
}
