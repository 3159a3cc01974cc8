package dev.mcu.transport;

/**
 * Counters of one media kind of one transport, as an operator reads them. A snapshot.
 *
 * @param packetsLost    from sequence gaps of the remote's stream (RFC 3550 A.3)
 * @param jitterRtpUnits interarrival jitter (RFC 3550 A.8) in RTP clock units
 * @param dropped        packets received but thrown away (malformed, unknown SSRC flood, not
 *                       negotiated, too big, before latching), by any cause
 */
public record TransportStats(long packetsReceived, long bytesReceived, long packetsSent, long bytesSent,
                             long packetsLost, long jitterRtpUnits, long rtcpReceived, long rtcpSent,
                             long nacksReceived, long retransmitted, long keyframeRequestsReceived,
                             long dropped) {
}
