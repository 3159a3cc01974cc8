package dev.mcu.sdp;

/**
 * The browser's side of a WebRTC offer: its ICE credentials and DTLS parameters, from the first
 * accepted m-line (or the session level). Immutable.
 *
 * @param fingerprint the a=fingerprint value as offered ({@code sha-256 AB:CD:...})
 * @param setup       the offer's a=setup value (actpass, active or passive)
 */
public record RemoteWebRtc(String iceUfrag, String icePassword, String fingerprint, String setup) {

    /** Our a=setup answer (RFC 5763 §5): passive to actpass and active offers, active to passive ones. */
    public String answerSetup() {
        return "passive".equalsIgnoreCase(setup.trim()) ? "active" : "passive";
    }
}
