package dev.mcu.transport;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} RTP packets sent on one stream, by the sequence number the receiver saw,
 * for NACK retransmission. Holds the shared packet arrays (never modified, by anyone) with the
 * sequence number and SSRC they went out with, which may differ from the array's own (a receiver
 * moved between output layers). Written by the sending thread, read on the event loop: lock-free,
 * and a lookup checks the sequence number in the entry, so a slot overwritten meanwhile is a miss.
 */
final class SentPacketCache {
    /**
     * One packet as it was sent: the shared bytes, and the header fields this receiver saw
     * ({@code absSendTime}: the abs-send-time value it carried, -1 none).
     */
    record Sent(byte[] packet, int sequenceNumber, long ssrc, int absSendTime) {
    }

    private final AtomicReferenceArray<Sent> slots;
    private final int mask;

    /** @param capacity a power of two */
    SentPacketCache(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        slots = new AtomicReferenceArray<>(capacity);
        mask = capacity - 1;
    }

    void put(byte[] rtpPacket, int sentSequenceNumber, long sentSsrc, int sentAbsSendTime) {
        slots.set(sentSequenceNumber & mask, new Sent(rtpPacket, sentSequenceNumber, sentSsrc, sentAbsSendTime));
    }

    /** The packet sent with this sequence number, or {@code null} when it is no longer cached. */
    Sent get(int sequenceNumber) {
        Sent sent = slots.get(sequenceNumber & mask);
        return sent != null && sent.sequenceNumber() == sequenceNumber ? sent : null;
    }

    void clear() {
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, null);
        }
    }

    static int sequenceNumber(byte[] rtpPacket) {
        return ((rtpPacket[2] & 0xff) << 8) | (rtpPacket[3] & 0xff);
    }

    static long ssrc(byte[] rtpPacket) {
        return ((long) (rtpPacket[8] & 0xff) << 24) | ((rtpPacket[9] & 0xff) << 16) | ((rtpPacket[10] & 0xff) << 8)
                | (rtpPacket[11] & 0xff);
    }
}
