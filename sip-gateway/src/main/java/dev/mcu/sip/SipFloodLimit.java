package dev.mcu.sip;

/**
 * How many new INVITEs and OPTIONS one source address may send: a token bucket that refills at
 * {@code perSecond} and holds {@code burst}. What goes over is dropped without an answer (an answer
 * would reflect the flood at whoever the source address names) and counted. Requests inside a
 * dialog (ACK, BYE, re-INVITE, INFO) are never limited. Behind a SIP proxy every call comes from
 * the proxy's address: raise the limit there, or turn it off. Immutable.
 *
 * @param perSecond requests per second one address may keep up; 0 turns the limit off
 * @param burst     requests one address may send at once after a quiet spell
 */
public record SipFloodLimit(double perSecond, int burst) {
    /** Generous for phones (one call set-up costs one INVITE and its retransmissions). */
    public static final SipFloodLimit DEFAULT = new SipFloodLimit(20, 40);
    public static final SipFloodLimit OFF = new SipFloodLimit(0, 0);

    public SipFloodLimit {
        if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("the SIP flood limit needs perSecond >= 0 and a burst of at least 1, got "
                    + perSecond + "/s burst " + burst);
        }
    }

    public boolean isOff() {
        return perSecond == 0;
    }
}
