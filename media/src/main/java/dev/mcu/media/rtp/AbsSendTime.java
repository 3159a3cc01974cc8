package dev.mcu.media.rtp;

/**
 * The abs-send-time RTP header extension ({@value #URI}): 24 bits, the send time in seconds as 6.18
 * fixed point, wrapping every 64 s. Chrome's receive-side bandwidth estimate reads the change in
 * (arrival - send time) between packets as queueing; without it, it takes the RTP timestamp (the
 * capture time) as the send time, so our encode time's jitter reads as congestion.
 *
 * <p>{@link #write} puts a packet with the element added into a sender's own copy, {@link #withExtension}
 * returns such a copy (the packet itself is never changed: it is shared by every receiver of an output
 * layer). Stateless; any thread.
 */
public final class AbsSendTime {
    public static final String URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MAX_ONE_BYTE_ID = 14;
    /** The most {@link #write} adds to a packet: a new two-byte block with the element. */
    public static final int MAX_ADDED_BYTES = 12;

    private AbsSendTime() {
    }

    /** {@code nanos} (any monotonic clock) as 6.18 fixed-point seconds, modulo 64 s. */
    public static int value(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long fraction = Math.floorMod(nanos, NANOS_PER_SECOND);
        return (int) (((seconds & 0x3f) << 18) | ((fraction << 18) / NANOS_PER_SECOND));
    }

    /**
     * A copy of {@code packet} carrying abs-send-time under {@code id}: a new one-byte block (or two-byte
     * for ids above 14) when it has no extension, else the element appended to its RFC 8285 block.
     * Returns {@code packet} itself, unchanged, when it cannot be done cleanly (not RTP, a malformed or
     * non-RFC 8285 block, an id the block's form cannot carry).
     */
    public static byte[] withExtension(byte[] packet, int id, long nanos) {
        return withValue(packet, id, value(nanos));
    }

    /** As {@link #withExtension}, with the element's {@link #value} already taken. */
    public static byte[] withValue(byte[] packet, int id, int value) {
        int added = addedBytes(packet, id);
        if (added == 0) {
            return packet;
        }
        byte[] out = new byte[packet.length + added];
        write(packet, id, value, out, 0);
        return out;
    }

    /**
     * How many bytes {@link #write} adds to {@code packet} for {@code id}: 0 when it cannot add the
     * element cleanly (then {@link #write} returns -1).
     */
    public static int addedBytes(byte[] packet, int id) {
        int csrcEnd = csrcEnd(packet, id);
        if (csrcEnd < 0) {
            return 0;
        }
        if ((packet[0] & 0x10) == 0) {
            return id <= MAX_ONE_BYTE_ID ? 8 : 12;
        }
        return elementBytes(packet, csrcEnd, id);
    }

    /**
     * Writes {@code packet} with the element carrying {@code value} (see {@link #value}) under
     * {@code id} into {@code out} from {@code at}, which needs room for {@code packet.length +}
     * {@value #MAX_ADDED_BYTES}: the sender's one copy of a shared packet gets the stamp without a
     * copy of its own. Returns the length written, or -1 (nothing written) when {@link #addedBytes}
     * is 0.
     */
    public static int write(byte[] packet, int id, int value, byte[] out, int at) {
        int csrcEnd = csrcEnd(packet, id);
        if (csrcEnd < 0) {
            return -1;
        }
        if ((packet[0] & 0x10) == 0) {
            System.arraycopy(packet, 0, out, at, csrcEnd);
            out[at] |= 0x10;
            int p = at + csrcEnd;
            int added;
            if (id <= MAX_ONE_BYTE_ID) {
                out[p] = (byte) 0xBE;
                out[p + 1] = (byte) 0xDE;
                out[p + 2] = 0;
                out[p + 3] = 1;
                out[p + 4] = (byte) (id << 4 | 2);
                putValue(out, p + 5, value);
                added = 8;
            } else {
                out[p] = 0x10;
                out[p + 1] = 0;
                out[p + 2] = 0;
                out[p + 3] = 2;
                out[p + 4] = (byte) id;
                out[p + 5] = 3;
                putValue(out, p + 6, value);
                out[p + 9] = 0;
                out[p + 10] = 0;
                out[p + 11] = 0;
                added = 12;
            }
            System.arraycopy(packet, csrcEnd, out, p + added, packet.length - csrcEnd);
            return packet.length + added;
        }
        int added = elementBytes(packet, csrcEnd, id);
        if (added == 0) {
            return -1;
        }
        int blockEnd = csrcEnd + 4 + 4 * words(packet, csrcEnd);
        System.arraycopy(packet, 0, out, at, blockEnd);
        int grown = words(packet, csrcEnd) + added / 4;
        out[at + csrcEnd + 2] = (byte) (grown >>> 8);
        out[at + csrcEnd + 3] = (byte) grown;
        int p = at + blockEnd;
        if (added == 4) {
            out[p] = (byte) (id << 4 | 2);
            putValue(out, p + 1, value);
        } else {
            out[p] = (byte) id;
            out[p + 1] = 3;
            putValue(out, p + 2, value);
            out[p + 5] = 0;
            out[p + 6] = 0;
            out[p + 7] = 0;
        }
        System.arraycopy(packet, blockEnd, out, p + added, packet.length - blockEnd);
        return packet.length + added;
    }

    /** Where the CSRC list ends, or -1 when the packet is not RTP or the id is out of range. */
    private static int csrcEnd(byte[] packet, int id) {
        if (packet.length < RtpPacket.FIXED_HEADER_SIZE || (packet[0] & 0xc0) != 0x80 || id < 1 || id > 255) {
            return -1;
        }
        int csrcEnd = RtpPacket.FIXED_HEADER_SIZE + 4 * (packet[0] & 0x0f);
        return csrcEnd > packet.length ? -1 : csrcEnd;
    }

    private static int words(byte[] packet, int csrcEnd) {
        return ((packet[csrcEnd + 2] & 0xff) << 8) | (packet[csrcEnd + 3] & 0xff);
    }

    /** The element's size in the packet's existing block (4 one-byte, 8 two-byte), 0 when it cannot go there. */
    private static int elementBytes(byte[] packet, int csrcEnd, int id) {
        if (csrcEnd + 4 > packet.length) {
            return 0;
        }
        int profile = ((packet[csrcEnd] & 0xff) << 8) | (packet[csrcEnd + 1] & 0xff);
        int words = words(packet, csrcEnd);
        int element;
        if (profile == HeaderExtensions.ONE_BYTE_PROFILE && id <= MAX_ONE_BYTE_ID) {
            element = 4;
        } else if ((profile & 0xfff0) == HeaderExtensions.TWO_BYTE_PROFILE) {
            element = 8;
        } else {
            return 0;
        }
        if (csrcEnd + 4 + 4 * words > packet.length || words + element / 4 > 0xffff) {
            return 0;
        }
        return element;
    }

    private static void putValue(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 16);
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) value;
    }
}
