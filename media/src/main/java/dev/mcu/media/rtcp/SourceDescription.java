package dev.mcu.media.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RTCP SDES, packet type 202 (RFC 3550 §6.5). Only the CNAME item is kept; other items are skipped
 * when parsing and never written.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CNAME=1     |     length    | user and domain name        ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... items ...   | END=0 | zero padding to a 32-bit boundary  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {
    static final int ITEM_END = 0;
    static final int ITEM_CNAME = 1;
    private static final int MAX_TEXT = 255;

    /** @param cname the chunk's CNAME, or {@code null} when it carried none */
    public record Chunk(long ssrc, String cname) {
        int encodedSize() {
            int text = cname == null ? 0 : 2 + cnameBytes().length;
            return RtcpHeader.padTo4(4 + text + 1);
        }

        byte[] cnameBytes() {
            byte[] text = cname.getBytes(StandardCharsets.UTF_8);
            if (text.length > MAX_TEXT) {
                throw new IllegalArgumentException("CNAME longer than 255 bytes");
            }
            return text;
        }
    }

    public SourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > RtcpHeader.COUNT_MASK) {
            throw new IllegalArgumentException("at most 31 chunks");
        }
    }

    public static SourceDescription ofCname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, cname)));
    }

    /** Parses one SDES at {@code b[at]}; {@code null} when any chunk runs past the packet. */
    public static SourceDescription parse(byte[] b, int at, int length) {
        if (!RtcpHeader.isValid(b, at, length, RtcpHeader.PT_SDES)) {
            return null;
        }
        int end = at + Math.min(length, RtcpHeader.packetSize(b, at));
        int count = RtcpHeader.count(b, at);
        List<Chunk> chunks = new ArrayList<>(count);
        int p = at + RtcpHeader.SIZE;
        for (int i = 0; i < count; i++) {
            if (p + 4 > end) {
                return null;
            }
            long ssrc = RtcpHeader.uint32(b, p);
            p += 4;
            String cname = null;
            while (true) {
                if (p >= end) {
                    return null;
                }
                int type = b[p] & 0xff;
                if (type == ITEM_END) {
                    p = at + RtcpHeader.padTo4(p + 1 - at);
                    break;
                }
                if (p + 2 > end || p + 2 + (b[p + 1] & 0xff) > end) {
                    return null;
                }
                int textLength = b[p + 1] & 0xff;
                if (type == ITEM_CNAME) {
                    cname = fitting(new String(b, p + 2, textLength, StandardCharsets.UTF_8));
                }
                p += 2 + textLength;
            }
            chunks.add(new Chunk(ssrc, cname));
        }
        return new SourceDescription(chunks);
    }

    /**
     * The CNAME as we can write it back: bytes that are not UTF-8 become U+FFFD (3 bytes each), so
     * 255 bytes on the wire can decode to a longer text; it is cut to what fits an SDES item.
     */
    private static String fitting(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= MAX_TEXT) {
            return text;
        }
        int end = text.length();
        while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_TEXT) {
            end--;
            if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
        }
        return text.substring(0, end);
    }

    @Override
    public int encodedSize() {
        int size = RtcpHeader.SIZE;
        for (Chunk chunk : chunks) {
            size += chunk.encodedSize();
        }
        return size;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int size = encodedSize();
        RtcpHeader.write(out, at, chunks.size(), RtcpHeader.PT_SDES, size);
        int p = at + RtcpHeader.SIZE;
        for (Chunk chunk : chunks) {
            int chunkEnd = p + chunk.encodedSize();
            RtcpHeader.putUint32(out, p, chunk.ssrc());
            p += 4;
            if (chunk.cname() != null) {
                byte[] text = chunk.cnameBytes();
                out[p] = ITEM_CNAME;
                out[p + 1] = (byte) text.length;
                System.arraycopy(text, 0, out, p + 2, text.length);
                p += 2 + text.length;
            }
            while (p < chunkEnd) {
                out[p++] = ITEM_END;
            }
        }
        return size;
    }
}
