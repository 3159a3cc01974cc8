package dev.mcu.transport;

/**
 * Counters of one media kind of one transport, as an operator reads them. A snapshot.
 *
 * @param packetsLost                from sequence gaps of the remote's stream (RFC 3550 A.3)
 * @param jitterRtpUnits             interarrival jitter (RFC 3550 A.8) in RTP clock units
 * @param dropped                    packets received but thrown away (malformed, unknown SSRC flood, not
 *                                   negotiated, too big, from an unlatched source), by any cause
 * @param sendDropped                packets the MCU asked to send that were not sent (not configured, nothing
 *                                   latched yet, direction forbids sending, malformed)
 * @param keyframeRequestsSent       PLI/FIR compounds sent to the remote
 * @param keyframeRequestsSuppressed keyframe requests swallowed by the rate limit
 * @param remoteBitrateEstimateBps   the last REMB the remote sent, 0 when none
 * @param remoteFractionLost         the share of our packets the remote's last report says it lost, in
 *                                   1/256 (RFC 3550 §6.4.1), or -1 before any report about our stream
 * @param otherSourceRefused         packets (part of {@code dropped}) refused because they came from
 *                                   another source than the latched one without continuing its stream:
 *                                   stream hijack attempts and stray senders
 * @param reordered                  packets that arrived behind a later one, or twice (RFC 3550 A.1)
 * @param droppedByReason            {@code dropped} split by {@link ReceiveDrop#label()}; reasons never seen absent
 */
public record TransportStats(long packetsReceived, long bytesReceived, long packetsSent, long bytesSent,
                             long packetsLost, long jitterRtpUnits, long rtcpReceived, long rtcpSent,
                             long nacksReceived, long retransmitted, long keyframeRequestsReceived,
                             long dropped, long sendDropped, long keyframeRequestsSent,
                             long keyframeRequestsSuppressed, long remoteBitrateEstimateBps,
                             int remoteFractionLost, long otherSourceRefused, long reordered,
                             java.util.Map<String, Long> droppedByReason) {

    public TransportStats {
        droppedByReason = java.util.Map.copyOf(droppedByReason);
    }

    /** The original twelve counters; the send-side extras are zero. */
    public TransportStats(long packetsReceived, long bytesReceived, long packetsSent, long bytesSent,
                          long packetsLost, long jitterRtpUnits, long rtcpReceived, long rtcpSent,
                          long nacksReceived, long retransmitted, long keyframeRequestsReceived,
                          long dropped) {
        this(packetsReceived, bytesReceived, packetsSent, bytesSent, packetsLost, jitterRtpUnits, rtcpReceived,
                rtcpSent, nacksReceived, retransmitted, keyframeRequestsReceived, dropped, 0, 0, 0, 0, -1, 0, 0,
                java.util.Map.of());
    }
}
