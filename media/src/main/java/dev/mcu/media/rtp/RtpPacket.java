package dev.mcu.media.rtp;

/**
 * An RTP packet (RFC 3550 §5.1), parsed without copying: it points into the array it came from.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  header extension (profile, length in 32-bit words, data) ... |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  payload ...                      | padding ... | pad count   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * {@link #parse} returns {@code null} for anything that is not a well-formed RTP packet, so the hot
 * path counts and drops instead of throwing.
 */
public final class RtpPacket {
    public static final int VERSION = 2;
    public static final int FIXED_HEADER_SIZE = 12;
    private static final int VERSION_SHIFT = 6;
    private static final int PADDING_BIT = 0x20;
    private static final int EXTENSION_BIT = 0x10;
    private static final int CSRC_COUNT_MASK = 0x0f;
    private static final int MARKER_BIT = 0x80;
    private static final int PAYLOAD_TYPE_MASK = 0x7f;

    private final byte[] buffer;
    private final int offset;
    private final int length;
    private final int payloadOffset;
    private final int payloadLength;

    private RtpPacket(byte[] buffer, int offset, int length, int payloadOffset, int payloadLength) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
    }

    /** Parses {@code buffer[offset, offset+length)}; {@code null} when it is not valid RTP. */
    public static RtpPacket parse(byte[] buffer, int offset, int length) {
        if (length < FIXED_HEADER_SIZE || offset < 0 || offset + length > buffer.length) {
            return null;
        }
        int b0 = buffer[offset] & 0xff;
        if ((b0 >>> VERSION_SHIFT) != VERSION) {
            return null;
        }
        int headerEnd = offset + FIXED_HEADER_SIZE + 4 * (b0 & CSRC_COUNT_MASK);
        int end = offset + length;
        if (headerEnd > end) {
            return null;
        }
        if ((b0 & EXTENSION_BIT) != 0) {
            if (headerEnd + 4 > end) {
                return null;
            }
            int words = ((buffer[headerEnd + 2] & 0xff) << 8) | (buffer[headerEnd + 3] & 0xff);
            headerEnd += 4 + 4 * words;
            if (headerEnd > end) {
                return null;
            }
        }
        int padding = 0;
        if ((b0 & PADDING_BIT) != 0) {
            padding = buffer[end - 1] & 0xff;
            if (padding == 0 || headerEnd + padding > end) {
                return null;
            }
        }
        return new RtpPacket(buffer, offset, length, headerEnd, end - padding - headerEnd);
    }

    public static RtpPacket parse(byte[] packet) {
        return parse(packet, 0, packet.length);
    }

    /** Builds a packet with a plain 12-byte header (no CSRC, no extension, no padding). */
    public static byte[] build(int payloadType, boolean marker, int sequenceNumber, long timestamp, long ssrc,
                               byte[] payload, int payloadOffset, int payloadLength) {
        byte[] out = new byte[FIXED_HEADER_SIZE + payloadLength];
        writeHeader(out, 0, payloadType, marker, sequenceNumber, timestamp, ssrc);
        System.arraycopy(payload, payloadOffset, out, FIXED_HEADER_SIZE, payloadLength);
        return out;
    }

    public static byte[] build(int payloadType, boolean marker, int sequenceNumber, long timestamp, long ssrc,
                               byte[] payload) {
        return build(payloadType, marker, sequenceNumber, timestamp, ssrc, payload, 0, payload.length);
    }

    /** Writes a 12-byte header at {@code out[at]}. */
    public static void writeHeader(byte[] out, int at, int payloadType, boolean marker, int sequenceNumber,
                                   long timestamp, long ssrc) {
        out[at] = (byte) (VERSION << VERSION_SHIFT);
        out[at + 1] = (byte) ((marker ? MARKER_BIT : 0) | (payloadType & PAYLOAD_TYPE_MASK));
        out[at + 2] = (byte) (sequenceNumber >>> 8);
        out[at + 3] = (byte) sequenceNumber;
        putInt(out, at + 4, timestamp);
        putInt(out, at + 8, ssrc);
    }

    private static void putInt(byte[] out, int at, long value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }

    private long uint32(int at) {
        return ((long) (buffer[at] & 0xff) << 24) | ((buffer[at + 1] & 0xff) << 16)
                | ((buffer[at + 2] & 0xff) << 8) | (buffer[at + 3] & 0xff);
    }

    public boolean hasPadding() { return (buffer[offset] & PADDING_BIT) != 0; }
    public boolean hasExtension() { return (buffer[offset] & EXTENSION_BIT) != 0; }
    public int csrcCount() { return buffer[offset] & CSRC_COUNT_MASK; }
    public boolean marker() { return (buffer[offset + 1] & MARKER_BIT) != 0; }
    public int payloadType() { return buffer[offset + 1] & PAYLOAD_TYPE_MASK; }
    public int sequenceNumber() { return ((buffer[offset + 2] & 0xff) << 8) | (buffer[offset + 3] & 0xff); }
    public long timestamp() { return uint32(offset + 4); }
    public long ssrc() { return uint32(offset + 8); }

    /** Offset of the header extension's 4-byte profile/length word, or -1 when there is none. */
    public int extensionOffset() {
        return hasExtension() ? offset + FIXED_HEADER_SIZE + 4 * csrcCount() : -1;
    }

    public byte[] buffer() { return buffer; }
    public int offset() { return offset; }
    public int length() { return length; }
    public int payloadOffset() { return payloadOffset; }
    public int payloadLength() { return payloadLength; }

    public byte[] copyPayload() {
        byte[] out = new byte[payloadLength];
        System.arraycopy(buffer, payloadOffset, out, 0, payloadLength);
        return out;
    }

    /** A copy of the whole packet, detached from the receive buffer. */
    public byte[] copyPacket() {
        byte[] out = new byte[length];
        System.arraycopy(buffer, offset, out, 0, length);
        return out;
    }

    @Override
    public String toString() {
        return "RTP[pt=" + payloadType() + " seq=" + sequenceNumber() + " ts=" + timestamp()
                + " ssrc=" + Long.toHexString(ssrc()) + (marker() ? " M" : "") + " payload=" + payloadLength + "]";
    }
}
