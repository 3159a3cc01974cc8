package dev.mcu.media.rtcp;

/**
 * The 4-byte header every RTCP packet starts with (RFC 3550 §6.4.1), plus the big-endian helpers
 * the packet types share. Stateless.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |  length (32-bit words - 1)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * "count" is RC/SC for SR, RR, SDES and BYE, and FMT for feedback packets (RFC 4585 §6.1).
 */
final class RtcpHeader {
    static final int SIZE = 4;
    static final int VERSION = 2;
    static final int PADDING_BIT = 0x20;
    static final int COUNT_MASK = 0x1f;

    static final int PT_SR = 200;
    static final int PT_RR = 201;
    static final int PT_SDES = 202;
    static final int PT_BYE = 203;
    static final int PT_RTPFB = 205;
    static final int PT_PSFB = 206;

    private RtcpHeader() {
    }

    static int version(byte[] b, int at) {
        return (b[at] & 0xff) >>> 6;
    }

    static int count(byte[] b, int at) {
        return b[at] & COUNT_MASK;
    }

    static int packetType(byte[] b, int at) {
        return b[at + 1] & 0xff;
    }

    /** Size in bytes of the packet whose header is at {@code at}, padding included. */
    static int packetSize(byte[] b, int at) {
        return (uint16(b, at + 2) + 1) * 4;
    }

    /**
     * True when {@code b[at, at+length)} holds a version-2 header of type {@code packetType} whose
     * stated size is no larger than {@code length}: the common check of every type's {@code parse}.
     */
    static boolean isValid(byte[] b, int at, int length, int packetType) {
        return at >= 0 && length >= SIZE && at + length <= b.length && version(b, at) == VERSION
                && packetType(b, at) == packetType && packetSize(b, at) <= length;
    }

    /** Writes a header for a packet of {@code totalSize} bytes (a multiple of 4, no padding). */
    static void write(byte[] out, int at, int count, int packetType, int totalSize) {
        out[at] = (byte) ((VERSION << 6) | (count & COUNT_MASK));
        out[at + 1] = (byte) packetType;
        putUint16(out, at + 2, totalSize / 4 - 1);
    }

    static int uint16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static long uint32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8)
                | (b[at + 3] & 0xff);
    }

    static void putUint16(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
    }

    static void putUint32(byte[] out, int at, long value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }

    static int padTo4(int size) {
        return (size + 3) & ~3;
    }
}
