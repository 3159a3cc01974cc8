package dev.mcu.sip;

/**
 * What the SIP server refused or dropped before any call logic saw it, and the calls it could not
 * give media ports. Immutable snapshot.
 *
 * @param malformedRefused  malformed requests answered with 400, 505 or 513
 * @param malformedDropped  malformed requests no answer could be addressed to (no Via, From, To,
 *                          Call-ID or CSeq, or bytes that are not SIP) and malformed ACKs
 * @param responsesDropped  responses matching none of our requests (stray) or too broken to read
 * @param floodLimited      INVITEs and OPTIONS refused because their source sent too many
 * @param webSocketOriginRefused WebSocket upgrades refused with 403 because their page (Origin) is
 *                          not allowed (sip.allowedOrigins)
 * @param mediaPortsRefused INVITEs answered 503 because no media port pair was free (range or
 *                          open-file limit) or a port found free could not be bound
 */
public record SipProtocolCounters(long malformedRefused, long malformedDropped, long responsesDropped,
                                  long floodLimited, long webSocketOriginRefused, long mediaPortsRefused) {

    /** The counts of one SIP stack, which refuses nothing for media. */
    public SipProtocolCounters(long malformedRefused, long malformedDropped, long responsesDropped,
                               long floodLimited, long webSocketOriginRefused) {
        this(malformedRefused, malformedDropped, responsesDropped, floodLimited, webSocketOriginRefused, 0);
    }

    SipProtocolCounters withMediaPortsRefused(long count) {
        return new SipProtocolCounters(malformedRefused, malformedDropped, responsesDropped, floodLimited,
                webSocketOriginRefused, count);
    }

    /** These counts plus {@code other}'s (the UDP/TCP/TLS stack and the WS and WSS stacks together). */
    SipProtocolCounters plus(SipProtocolCounters other) {
        return new SipProtocolCounters(malformedRefused + other.malformedRefused, malformedDropped + other.malformedDropped,
                responsesDropped + other.responsesDropped, floodLimited + other.floodLimited,
                webSocketOriginRefused + other.webSocketOriginRefused, mediaPortsRefused + other.mediaPortsRefused);
    }
}
