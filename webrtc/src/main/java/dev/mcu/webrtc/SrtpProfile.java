package dev.mcu.webrtc;

/**
 * The SRTP protection profiles we negotiate in DTLS use_srtp (RFC 5764 §4.1.2, RFC 7714 §14.2),
 * with the lengths that shape keys and packets. Preference order: GCM first (one pass, and no
 * separate HMAC), then the mandatory AES-CM/HMAC-SHA1-80.
 */
public enum SrtpProfile {
    AEAD_AES_128_GCM(0x0007, 16, 12, 0, 16),
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 20, 10);

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int tagLength;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int authKeyLength, int tagLength) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.tagLength = tagLength;
    }

    /** The SRTPProtectionProfile code point in the use_srtp extension. */
    public int dtlsId() {
        return dtlsId;
    }

    /** Master (and session) encryption key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes (and session salt length: 14 for AES-CM, 12 for GCM). */
    public int saltLength() {
        return saltLength;
    }

    public int authKeyLength() {
        return authKeyLength;
    }

    /** Authentication tag bytes appended to each SRTP packet. */
    public int tagLength() {
        return tagLength;
    }

    public boolean isAead() {
        return authKeyLength == 0;
    }

    /** The profile for a use_srtp code point, or {@code null} when we do not implement it. */
    public static SrtpProfile fromDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return p;
            }
        }
        return null;
    }
}
