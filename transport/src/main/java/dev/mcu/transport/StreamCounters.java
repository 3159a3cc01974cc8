package dev.mcu.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link TransportStats} for one media kind. Incremented from the event loop and
 * from sending threads; read by anyone.
 */
final class StreamCounters {
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    /** RTP payload bytes sent: the SR octet count. */
    final LongAdder payloadBytesSent = new LongAdder();
    final LongAdder rtcpReceived = new LongAdder();
    final LongAdder rtcpSent = new LongAdder();
    final LongAdder nacksReceived = new LongAdder();
    final LongAdder retransmitted = new LongAdder();
    final LongAdder keyframeRequestsReceived = new LongAdder();
    final LongAdder dropped = new LongAdder();
    /** Packets refused because another source holds the latch (part of {@link #dropped}). */
    final LongAdder otherSourceRefused = new LongAdder();
    final LongAdder sendDropped = new LongAdder();
    final LongAdder keyframeRequestsSent = new LongAdder();
    final LongAdder keyframeRequestsSuppressed = new LongAdder();
    /** Mirrors of event-loop state, published for {@link #snapshot}. */
    private final java.util.concurrent.atomic.AtomicLongArray droppedBy =
            new java.util.concurrent.atomic.AtomicLongArray(ReceiveDrop.values().length);
    volatile long packetsLost;
    volatile long reordered;
    volatile long jitter;
    volatile long remoteBitrateEstimateBps;
    volatile int remoteFractionLost = -1;

    /** A received packet thrown away: counted in the total and under its reason. */
    void drop(ReceiveDrop reason) {
        dropped.increment();
        droppedBy.incrementAndGet(reason.ordinal());
    }

    private java.util.Map<String, Long> droppedByReason() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (ReceiveDrop reason : ReceiveDrop.values()) {
            long count = droppedBy.get(reason.ordinal());
            if (count > 0) {
                out.put(reason.label(), count);
            }
        }
        return out;
    }

    TransportStats snapshot() {
        return new TransportStats(packetsReceived.sum(), bytesReceived.sum(), packetsSent.sum(), bytesSent.sum(),
                packetsLost, jitter, rtcpReceived.sum(), rtcpSent.sum(), nacksReceived.sum(), retransmitted.sum(),
                keyframeRequestsReceived.sum(), dropped.sum(), sendDropped.sum(), keyframeRequestsSent.sum(),
                keyframeRequestsSuppressed.sum(), remoteBitrateEstimateBps, remoteFractionLost,
                otherSourceRefused.sum(), reordered, droppedByReason());
    }
}
