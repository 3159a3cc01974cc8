package dev.mcu.media.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * A compound RTCP datagram (RFC 3550 §6.1): RTCP packets back to back, each with its own header.
 * Stateless.
 *
 * <p>Parsing is lenient in the way a receiver must be: packet types this class does not know
 * (APP, XR, other feedback) and individual packets that are broken inside a valid length are
 * skipped; parsing stops at the first header that runs past the datagram.
 */
public final class RtcpCompound {
    private RtcpCompound() {
    }

    /**
     * Parses {@code b[offset, offset+length)}. Returns {@code null} when the datagram does not even
     * start with a valid RTCP header; otherwise the packets understood, possibly none.
     */
    public static List<RtcpPacket> parse(byte[] b, int offset, int length) {
        if (offset < 0 || length < RtcpHeader.SIZE || offset + length > b.length) {
            return null;
        }
        int end = offset + length;
        List<RtcpPacket> packets = new ArrayList<>(4);
        int p = offset;
        while (p + RtcpHeader.SIZE <= end) {
            int size = RtcpHeader.packetSize(b, p);
            if (RtcpHeader.version(b, p) != RtcpHeader.VERSION || p + size > end) {
                break;
            }
            int contentSize = size;
            if ((b[p] & RtcpHeader.PADDING_BIT) != 0) {
                contentSize -= b[p + size - 1] & 0xff;
            }
            if (contentSize >= RtcpHeader.SIZE) {
                RtcpPacket packet = parseOne(b, p, size);
                if (packet != null) {
                    packets.add(packet);
                }
            }
            p += size;
        }
        return p == offset ? null : packets;
    }

    public static List<RtcpPacket> parse(byte[] datagram) {
        return parse(datagram, 0, datagram.length);
    }

    private static RtcpPacket parseOne(byte[] b, int at, int size) {
        return switch (RtcpHeader.packetType(b, at)) {
            case RtcpHeader.PT_SR -> SenderReport.parse(b, at, size);
            case RtcpHeader.PT_RR -> ReceiverReport.parse(b, at, size);
            case RtcpHeader.PT_SDES -> SourceDescription.parse(b, at, size);
            case RtcpHeader.PT_BYE -> Bye.parse(b, at, size);
            case RtcpHeader.PT_RTPFB -> RtcpHeader.count(b, at) == FeedbackHeader.FMT_NACK
                    ? GenericNack.parse(b, at, size) : null;
            case RtcpHeader.PT_PSFB -> switch (RtcpHeader.count(b, at)) {
                case FeedbackHeader.FMT_PLI -> PictureLossIndication.parse(b, at, size);
                case FeedbackHeader.FMT_FIR -> FullIntraRequest.parse(b, at, size);
                case FeedbackHeader.FMT_AFB -> Remb.parse(b, at, size);
                default -> null;
            };
            default -> null;
        };
    }

    public static int encodedSize(List<? extends RtcpPacket> packets) {
        int size = 0;
        for (RtcpPacket packet : packets) {
            size += packet.encodedSize();
        }
        return size;
    }

    /** Writes the packets back to back at {@code out[at]}; returns the bytes written. */
    public static int writeTo(List<? extends RtcpPacket> packets, byte[] out, int at) {
        int p = at;
        for (RtcpPacket packet : packets) {
            p += packet.writeTo(out, p);
        }
        return p - at;
    }

    public static byte[] write(List<? extends RtcpPacket> packets) {
        byte[] out = new byte[encodedSize(packets)];
        writeTo(packets, out, 0);
        return out;
    }
}
