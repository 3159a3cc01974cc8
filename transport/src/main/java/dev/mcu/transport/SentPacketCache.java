package dev.mcu.transport;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} RTP packets sent on one stream, by sequence number, for NACK
 * retransmission. Holds the shared packet arrays (never modified, by anyone). Written by the sending
 * thread, read on the event loop: lock-free, and a lookup checks the sequence number in the packet
 * itself, so a slot overwritten meanwhile is simply a miss.
 */
final class SentPacketCache {
    private final AtomicReferenceArray<byte[]> slots;
    private final int mask;

    /** @param capacity a power of two */
    SentPacketCache(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        slots = new AtomicReferenceArray<>(capacity);
        mask = capacity - 1;
    }

    void put(byte[] rtpPacket) {
        slots.set(sequenceNumber(rtpPacket) & mask, rtpPacket);
    }

    /** The packet sent with this sequence number, or {@code null} when it is no longer cached. */
    byte[] get(int sequenceNumber) {
        byte[] packet = slots.get(sequenceNumber & mask);
        return packet != null && sequenceNumber(packet) == sequenceNumber ? packet : null;
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
