package dev.mcu.sdp;

import dev.mcu.media.NegotiatedStream;

import java.util.List;

/**
 * Our answer to an offer: the SDP to send and what was agreed. When nothing could be agreed
 * ({@link #acceptable()} is false), {@code sdp} is null and the SIP layer answers 488 with
 * {@link Negotiation#refusalSummary()} in a Warning header.
 */
public record Answer(SessionDescription sdp, Negotiation negotiation) {

    public boolean acceptable() {
        return sdp != null;
    }

    public List<NegotiatedStream> streams() {
        return negotiation.streams();
    }
}
