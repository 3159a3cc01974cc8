package dev.mcu.webrtc;

/**
 * The six session keys of one SRTP master key (RFC 3711 §4.3.1), RTP and RTCP each with an
 * encryption key, an authentication key (empty for AEAD profiles) and a salt. Immutable by
 * convention: nobody writes into the arrays after construction.
 */
record SrtpSessionKeys(byte[] rtpKey, byte[] rtpAuthKey, byte[] rtpSalt,
                       byte[] rtcpKey, byte[] rtcpAuthKey, byte[] rtcpSalt) {

    static SrtpSessionKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt");
        }
        int keyLength = profile.keyLength();
        int authLength = profile.authKeyLength();
        int saltLength = profile.saltLength();
        return new SrtpSessionKeys(
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, keyLength),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTH, authLength),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, saltLength),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, keyLength),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_AUTH, authLength),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, saltLength));
    }
}
