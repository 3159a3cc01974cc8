package dev.mcu.sdp;

/**
 * An SDP body that is not valid RFC 8866 SDP. The message names the line, so the SIP layer can put
 * it in a 400 response and an operator can see what the phone sent.
 */
public final class SdpParseException extends Exception {
    private final int lineNumber;

    public SdpParseException(int lineNumber, String message) {
        super(lineNumber > 0 ? "SDP line " + lineNumber + ": " + message : "SDP: " + message);
        this.lineNumber = lineNumber;
    }

    /** 1-based line of the problem, or 0 when it concerns the whole description. */
    public int lineNumber() {
        return lineNumber;
    }
}
