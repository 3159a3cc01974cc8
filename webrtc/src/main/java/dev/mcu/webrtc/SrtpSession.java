package dev.mcu.webrtc;

/**
 * The two SRTP contexts a DTLS-SRTP handshake yields: {@code outbound} protects what we send
 * (keyed with our write key), {@code inbound} unprotects what the peer sends. Each context is
 * confined to one thread at a time; see {@link SrtpContext}.
 */
public record SrtpSession(SrtpProfile profile, SrtpContext outbound, SrtpContext inbound) {

    /**
     * Splits exported keying material (RFC 5764 §4.2) and builds both contexts:
     * <pre>
     *   client_write_SRTP_master_key | server_write_SRTP_master_key |
     *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
     * </pre>
     */
    public static SrtpSession fromKeyingMaterial(SrtpProfile profile, byte[] material, DtlsRole role) {
        int keyLength = profile.keyLength();
        int saltLength = profile.saltLength();
        if (material.length != 2 * (keyLength + saltLength)) {
            throw new IllegalArgumentException(profile + " needs " + 2 * (keyLength + saltLength)
                    + " bytes of keying material, got " + material.length);
        }
        byte[] clientKey = slice(material, 0, keyLength);
        byte[] serverKey = slice(material, keyLength, keyLength);
        byte[] clientSalt = slice(material, 2 * keyLength, saltLength);
        byte[] serverSalt = slice(material, 2 * keyLength + saltLength, saltLength);
        SrtpContext client = SrtpContext.create(profile, clientKey, clientSalt);
        SrtpContext server = SrtpContext.create(profile, serverKey, serverSalt);
        return role == DtlsRole.SERVER
                ? new SrtpSession(profile, server, client)
                : new SrtpSession(profile, client, server);
    }

    /** How many keying-material bytes a profile needs from the exporter. */
    public static int keyingMaterialLength(SrtpProfile profile) {
        return 2 * (profile.keyLength() + profile.saltLength());
    }

    private static byte[] slice(byte[] b, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(b, from, out, 0, length);
        return out;
    }
}
