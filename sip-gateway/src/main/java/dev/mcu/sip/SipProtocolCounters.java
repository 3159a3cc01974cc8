package dev.mcu.sip;

/**
 * What the SIP server refused or dropped before any call logic saw it. Immutable snapshot.
 *
 * @param malformedRefused  malformed requests answered with 400, 505 or 513
 * @param malformedDropped  malformed requests no answer could be addressed to (no Via, From, To,
 *                          Call-ID or CSeq, or bytes that are not SIP) and malformed ACKs
 * @param responsesDropped  responses matching none of our requests (stray) or too broken to read
 * @param floodLimited      INVITEs and OPTIONS refused because their source sent too many
 * @param webSocketOriginRefused WebSocket upgrades refused with 403 because their page (Origin) is
 *                          not allowed (sip.allowedOrigins)
 */
public record SipProtocolCounters(long malformedRefused, long malformedDropped, long responsesDropped,
                                  long floodLimited, long webSocketOriginRefused) {

    /** These counts plus {@code other}'s (the UDP/TCP/TLS stack and the WS and WSS stacks together). */
    SipProtocolCounters plus(SipProtocolCounters other) {
        return new SipProtocolCounters(malformedRefused + other.malformedRefused, malformedDropped + other.malformedDropped,
                responsesDropped + other.responsesDropped, floodLimited + other.floodLimited,
                webSocketOriginRefused + other.webSocketOriginRefused);
    }
}
