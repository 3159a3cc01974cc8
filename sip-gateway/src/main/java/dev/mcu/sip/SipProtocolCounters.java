package dev.mcu.sip;

/**
 * What the SIP server refused or dropped before any call logic saw it. Immutable snapshot.
 *
 * @param malformedRefused  malformed requests answered with 400, 505 or 513
 * @param malformedDropped  malformed requests no answer could be addressed to (no Via, From, To,
 *                          Call-ID or CSeq, or bytes that are not SIP) and malformed ACKs
 * @param responsesDropped  responses matching none of our requests (stray) or too broken to read
 * @param floodLimited      INVITEs and OPTIONS refused because their source sent too many
 */
public record SipProtocolCounters(long malformedRefused, long malformedDropped, long responsesDropped,
                                  long floodLimited) {
}
