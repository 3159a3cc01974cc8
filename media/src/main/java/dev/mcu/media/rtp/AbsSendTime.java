package dev.mcu.media.rtp;

/**
 * The abs-send-time RTP header extension ({@value #URI}): 24 bits, the send time in seconds as 6.18
 * fixed point, wrapping every 64 s. Chrome's receive-side bandwidth estimate reads the change in
 * (arrival - send time) between packets as queueing; without it, it takes the RTP timestamp (the
 * capture time) as the send time, so our encode time's jitter reads as congestion.
 *
 * <p>{@link #withExtension} returns a copy of a packet with the element added (the packet itself is
 * never changed: it is shared by every receiver of an output layer). Stateless; any thread.
 */
public final class AbsSendTime {
    public static final String URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MAX_ONE_BYTE_ID = 14;

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
        if (packet.length < RtpPacket.FIXED_HEADER_SIZE || (packet[0] & 0xc0) != 0x80 || id < 1 || id > 255) {
            return packet;
        }
        int csrcEnd = RtpPacket.FIXED_HEADER_SIZE + 4 * (packet[0] & 0x0f);
        if (csrcEnd > packet.length) {
            return packet;
        }
        int v = value(nanos);
        if ((packet[0] & 0x10) == 0) {
            boolean oneByte = id <= MAX_ONE_BYTE_ID;
            byte[] block = oneByte
                    ? new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 1, (byte) (id << 4 | 2), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}
                    : new byte[] {0x10, 0, 0, 2, (byte) id, 3, (byte) (v >>> 16), (byte) (v >>> 8), (byte) v, 0, 0, 0};
            byte[] out = new byte[packet.length + block.length];
            System.arraycopy(packet, 0, out, 0, csrcEnd);
            out[0] |= 0x10;
            System.arraycopy(block, 0, out, csrcEnd, block.length);
            System.arraycopy(packet, csrcEnd, out, csrcEnd + block.length, packet.length - csrcEnd);
            return out;
        }
        if (csrcEnd + 4 > packet.length) {
            return packet;
        }
        int profile = ((packet[csrcEnd] & 0xff) << 8) | (packet[csrcEnd + 1] & 0xff);
        int words = ((packet[csrcEnd + 2] & 0xff) << 8) | (packet[csrcEnd + 3] & 0xff);
        int blockEnd = csrcEnd + 4 + 4 * words;
        byte[] element;
        if (profile == HeaderExtensions.ONE_BYTE_PROFILE && id <= MAX_ONE_BYTE_ID) {
            element = new byte[] {(byte) (id << 4 | 2), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        } else if ((profile & 0xfff0) == HeaderExtensions.TWO_BYTE_PROFILE) {
            element = new byte[] {(byte) id, 3, (byte) (v >>> 16), (byte) (v >>> 8), (byte) v, 0, 0, 0};
        } else {
            return packet;
        }
        if (blockEnd > packet.length || words + element.length / 4 > 0xffff) {
            return packet;
        }
        byte[] out = new byte[packet.length + element.length];
        System.arraycopy(packet, 0, out, 0, blockEnd);
        int grown = words + element.length / 4;
        out[csrcEnd + 2] = (byte) (grown >>> 8);
        out[csrcEnd + 3] = (byte) grown;
        System.arraycopy(element, 0, out, blockEnd, element.length);
        System.arraycopy(packet, blockEnd, out, blockEnd + element.length, packet.length - blockEnd);
        return out;
    }
}
