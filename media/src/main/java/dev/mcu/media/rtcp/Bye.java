package dev.mcu.media.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RTCP BYE, packet type 203 (RFC 3550 §6.6).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param reason the reason text, or {@code null}
 */
public record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {

    public Bye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > RtcpHeader.COUNT_MASK) {
            throw new IllegalArgumentException("at most 31 sources");
        }
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("reason longer than 255 bytes");
        }
    }

    /**
     * Parses one BYE at {@code b[at]}; {@code null} when broken. A reason running past the end, or one
     * too long once its invalid UTF-8 is replaced, is dropped.
     */
    public static Bye parse(byte[] b, int at, int length) {
        if (!RtcpHeader.isValid(b, at, length, RtcpHeader.PT_BYE)) {
            return null;
        }
        int end = at + RtcpHeader.packetSize(b, at);
        int count = RtcpHeader.count(b, at);
        if (RtcpHeader.SIZE + 4 * count > end - at) {
            return null;
        }
        List<Long> ssrcs = new ArrayList<>(count);
        int p = at + RtcpHeader.SIZE;
        for (int i = 0; i < count; i++, p += 4) {
            ssrcs.add(RtcpHeader.uint32(b, p));
        }
        String reason = null;
        if (p < end && p + 1 + (b[p] & 0xff) <= end) {
            reason = new String(b, p + 1, b[p] & 0xff, StandardCharsets.UTF_8);
            if (reason.getBytes(StandardCharsets.UTF_8).length > 255) {
                reason = null; // bytes that are not UTF-8 became U+FFFD, three bytes each: not a reason we can keep
            }
        }
        return new Bye(ssrcs, reason);
    }

    @Override
    public int encodedSize() {
        int size = RtcpHeader.SIZE + 4 * ssrcs.size();
        if (reason != null) {
            size += RtcpHeader.padTo4(1 + reason.getBytes(StandardCharsets.UTF_8).length);
        }
        return size;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        RtcpHeader.write(out, at, ssrcs.size(), RtcpHeader.PT_BYE, size);
        int p = at + RtcpHeader.SIZE;
        for (long ssrc : ssrcs) {
            RtcpHeader.putUint32(out, p, ssrc);
            p += 4;
        }
        if (reason != null) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            out[p] = (byte) text.length;
            System.arraycopy(text, 0, out, p + 1, text.length);
            for (int q = p + 1 + text.length; q < at + size; q++) {
                out[q] = 0;
            }
        }
        return size;
    }
}
