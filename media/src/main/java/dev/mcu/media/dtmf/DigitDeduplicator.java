package dev.mcu.media.dtmf;

/**
 * Turns a stream of RFC 4733 packets into digits, each reported once. An event is identified by
 * its RTP timestamp (RFC 4733 §2.5.1.1); it is reported on its first end packet, and the usual two
 * retransmissions of that end packet are ignored. A digit whose end packets are all lost is not
 * reported.
 *
 * <p>Not thread-safe: one per received stream, on the thread that receives it.
 */
public final class DigitDeduplicator {
    private long lastReportedTimestamp = -1;

    /** Returns the digit when this packet ends a new event, otherwise {@code 0}. */
    public char onPacket(long rtpTimestamp, TelephoneEvent event) {
        if (!event.end() || rtpTimestamp == lastReportedTimestamp) {
            return 0;
        }
        lastReportedTimestamp = rtpTimestamp;
        return event.digit();
    }
}
