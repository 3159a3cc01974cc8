package dev.mcu.sdp;

import dev.mcu.webrtc.SrtpMasterKey;
import dev.mcu.webrtc.SrtpProfile;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * One {@code a=crypto} line of RFC 4568 (SDES): a tag, a crypto-suite and one inline master key and
 * salt, which is how SIP phones (baresip, linphone, desk phones) key SRTP on {@code RTP/SAVP}. We take
 * the suites our SRTP implements ({@code AES_CM_128_HMAC_SHA1_80}, and {@code AEAD_AES_128_GCM} of RFC
 * 7714), a key with at most a lifetime, and no session parameters: an MKI, several keys, a key
 * derivation rate or "unencrypted" flags are refused rather than half-honoured. Immutable (the key
 * arrays are never written after construction).
 */
public record SdesCrypto(int tag, SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 4568 §9.1: the tag is 1 to 9 digits. */
    private static final int MAX_TAG_DIGITS = 9;

    /** The crypto-suite name of a profile in SDP. */
    public static String suiteName(SrtpProfile profile) {
        return switch (profile) {
            case AES128_CM_HMAC_SHA1_80 -> "AES_CM_128_HMAC_SHA1_80";
            case AEAD_AES_128_GCM -> "AEAD_AES_128_GCM";
        };
    }

    private static Optional<SrtpProfile> profileOf(String suite) {
        for (SrtpProfile p : SrtpProfile.values()) {
            if (suiteName(p).equalsIgnoreCase(suite)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the value of an {@code a=crypto} attribute ("1 AES_CM_128_HMAC_SHA1_80 inline:KEY||SALT"),
     * or empty when it is malformed or asks for something we do not do.
     */
    public static Optional<SdesCrypto> parse(String value) {
        String[] parts = value.trim().split("\\s+");
        if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > MAX_TAG_DIGITS || !parts[0].chars().allMatch(Character::isDigit)) {
            return Optional.empty(); // session parameters (a fourth part) or a bad tag
        }
        Optional<SrtpProfile> profile = profileOf(parts[1]);
        String keyParams = parts[2];
        if (profile.isEmpty() || !keyParams.toLowerCase(Locale.ROOT).startsWith("inline:") || keyParams.contains(";")) {
            return Optional.empty(); // an unknown suite, another key method, or several keys
        }
        String[] inline = keyParams.substring("inline:".length()).split("\\|");
        if (inline.length > 2 || (inline.length == 2 && inline[1].contains(":"))) {
            return Optional.empty(); // an MKI ("|1:4"); a lifetime alone ("|2^31") is fine
        }
        byte[] keyAndSalt;
        try {
            keyAndSalt = Base64.getDecoder().decode(inline[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        SrtpProfile p = profile.get();
        if (keyAndSalt.length != p.keyLength() + p.saltLength()) {
            return Optional.empty();
        }
        byte[] key = new byte[p.keyLength()];
        byte[] salt = new byte[p.saltLength()];
        System.arraycopy(keyAndSalt, 0, key, 0, key.length);
        System.arraycopy(keyAndSalt, key.length, salt, 0, salt.length);
        return Optional.of(new SdesCrypto(Integer.parseInt(parts[0]), p, key, salt));
    }

    /** A fresh random key and salt for our side, answering under the offer's tag and suite. */
    public static SdesCrypto random(int tag, SrtpProfile profile) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        return new SdesCrypto(tag, profile, key, salt);
    }

    /** The key and salt for the transport. */
    public SrtpMasterKey masterKeyForTransport() {
        return new SrtpMasterKey(profile, masterKey, masterSalt);
    }

    /** The same key under another tag (a re-offer may number its lines differently). */
    public SdesCrypto withTag(int newTag) {
        return new SdesCrypto(newTag, profile, masterKey, masterSalt);
    }

    /** The attribute value, as written in our answer. */
    public String value() {
        byte[] keyAndSalt = new byte[masterKey.length + masterSalt.length];
        System.arraycopy(masterKey, 0, keyAndSalt, 0, masterKey.length);
        System.arraycopy(masterSalt, 0, keyAndSalt, masterKey.length, masterSalt.length);
        return tag + " " + suiteName(profile) + " inline:" + Base64.getEncoder().encodeToString(keyAndSalt);
    }

    /** Keys never reach a log line. */
    @Override
    public String toString() {
        return "SdesCrypto[tag=" + tag + ", " + suiteName(profile) + ", key hidden]";
    }

    /** The remote's key (to unprotect what it sends) and ours (to protect what we send), for one m-line. */
    public record Pair(SdesCrypto local, SdesCrypto remote) {
    }
}
