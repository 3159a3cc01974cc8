package dev.mcu.media.rtp;

/**
 * Finds one element of an RTP header extension block in the RFC 8285 formats. Stateless; any
 * thread. Malformed blocks never throw: the element is simply not found.
 *
 * <pre>
 * One-byte form (§4.2), profile 0xBEDE, ids 1..14:
 *   | 0xBE | 0xDE | length in 32-bit words |  then elements: | ID:4 | L:4 | L+1 data bytes |
 *   a zero byte is padding; ID 15 ends the block (its length is ignored).
 * Two-byte form (§4.3), profile 0x1000..0x100F, ids 1..255:
 *   | 0x10 | 0x0X | length in 32-bit words |  then elements: | ID:8 | L:8 | L data bytes |
 *   a zero byte is padding.
 * </pre>
 */
public final class HeaderExtensions {
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** The two-byte form's profile with its 4 "appbits" cleared. */
    public static final int TWO_BYTE_PROFILE = 0x1000;
    private static final int ONE_BYTE_STOP_ID = 15;

    /** Where an element's data is: {@code buffer[offset, offset + length)} of the packet's buffer. */
    public record Element(int offset, int length) {
    }

    private HeaderExtensions() {
    }

    /** The element with local identifier {@code id}, or {@code null} when the packet has none. */
    public static Element find(RtpPacket packet, int id) {
        int at = packet.extensionOffset();
        if (at < 0 || id < 1 || id > 255) {
            return null;
        }
        byte[] b = packet.buffer();
        int packetEnd = packet.offset() + packet.length();
        if (at + 4 > packetEnd) {
            return null;
        }
        int profile = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
        int words = ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
        int start = at + 4;
        int end = start + 4 * words;
        if (end > packetEnd) {
            return null;
        }
        if (profile == ONE_BYTE_PROFILE) {
            return id < ONE_BYTE_STOP_ID ? findOneByte(b, start, end, id) : null;
        }
        if ((profile & 0xfff0) == TWO_BYTE_PROFILE) {
            return findTwoByte(b, start, end, id);
        }
        return null; // some other profile's extension: not RFC 8285
    }

    private static Element findOneByte(byte[] b, int at, int end, int id) {
        while (at < end) {
            int header = b[at] & 0xff;
            if (header == 0) {
                at++; // padding
                continue;
            }
            int elementId = header >>> 4;
            if (elementId == ONE_BYTE_STOP_ID) {
                return null;
            }
            int length = (header & 0x0f) + 1;
            int data = at + 1;
            if (data + length > end) {
                return null; // runs past the block: malformed
            }
            if (elementId == id) {
                return new Element(data, length);
            }
            at = data + length;
        }
        return null;
    }

    private static Element findTwoByte(byte[] b, int at, int end, int id) {
        while (at < end) {
            int elementId = b[at] & 0xff;
            if (elementId == 0) {
                at++; // padding
                continue;
            }
            if (at + 2 > end) {
                return null;
            }
            int length = b[at + 1] & 0xff;
            int data = at + 2;
            if (data + length > end) {
                return null;
            }
            if (elementId == id) {
                return new Element(data, length);
            }
            at = data + length;
        }
        return null;
    }
}
