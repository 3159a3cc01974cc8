package dev.mcu.webrtc;

/**
 * What {@link IceLiteAgent} did with one packet. Each value has its own counter, so every reason a
 * check failed is visible. "Dropped" means silently discarded, as RFC 8489 asks for messages that
 * fail the basic checks; "rejected" means answered with an error response.
 */
public enum BindingOutcome {
    /** A valid Binding request, answered with a success response. */
    ANSWERED(true),
    /** Not a STUN message (bad header, cookie, length or attribute layout). */
    DROPPED_MALFORMED(false),
    /** FINGERPRINT absent: ICE requires it on every request (RFC 8445 §7.2.2). */
    DROPPED_NO_FINGERPRINT(false),
    /** FINGERPRINT present but wrong. */
    DROPPED_BAD_FINGERPRINT(false),
    /** A Binding indication (keepalive): nothing to answer. */
    DROPPED_INDICATION(false),
    /** A response, or a method other than Binding: an ICE-lite agent sends no requests. */
    DROPPED_UNEXPECTED(false),
    /** 400: USERNAME or MESSAGE-INTEGRITY missing. */
    REJECTED_BAD_REQUEST(true),
    /** 401: USERNAME is not "localUfrag:remoteUfrag". */
    REJECTED_UNKNOWN_USERNAME(true),
    /** 401: MESSAGE-INTEGRITY does not match the local password. */
    REJECTED_BAD_INTEGRITY(true),
    /** 420: a comprehension-required attribute we do not understand. */
    REJECTED_UNKNOWN_ATTRIBUTE(true),
    /** 487: the peer also claims the controlled role; a lite agent cannot switch. */
    REJECTED_ROLE_CONFLICT(true);

    private final boolean answered;

    BindingOutcome(boolean answered) {
        this.answered = answered;
    }

    /** Whether a response goes back to the sender. */
    public boolean answered() {
        return answered;
    }
}
