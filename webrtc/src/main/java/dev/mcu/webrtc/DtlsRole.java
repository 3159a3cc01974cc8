package dev.mcu.webrtc;

import java.util.Locale;

/**
 * Which side of the DTLS handshake we play, decided by the offer's a=setup (RFC 5763 §5, RFC 8842):
 * an {@code actpass} offer gets {@code a=setup:passive} from us, so the browser connects and we are
 * the DTLS server; an {@code active} offer also makes us the server; a {@code passive} offer makes
 * us the client and our answer says {@code active}.
 */
public enum DtlsRole {
    SERVER("passive"),
    CLIENT("active");

    private final String answerSetup;

    DtlsRole(String answerSetup) {
        this.answerSetup = answerSetup;
    }

    /** Our role for the offer's a=setup value; IllegalArgumentException for holdconn or junk. */
    public static DtlsRole answering(String offerSetup) {
        return switch (offerSetup.trim().toLowerCase(Locale.ROOT)) {
            case "actpass", "active" -> SERVER;
            case "passive" -> CLIENT;
            default -> throw new IllegalArgumentException("cannot answer a=setup:" + offerSetup);
        };
    }

    /** The a=setup value our answer carries. */
    public String answerSetup() {
        return answerSetup;
    }
}
