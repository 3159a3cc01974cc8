package dev.mcu.webrtc;

import java.security.SecureRandom;
import java.util.Random;

/**
 * The local half of ICE's short-term credentials (RFC 8445 §5.3, RFC 8839 §5.4): a ufrag of at
 * least 24 random bits in at least 4 ice-chars, and a password of at least 128 random bits in at
 * least 22 ice-chars. ice-char = ALPHA / DIGIT / "+" / "/", so each char carries 6 bits; we emit 8
 * (48 bits) and 24 (144 bits). Immutable.
 */
public record IceCredentials(String ufrag, String password) {
    public static final int UFRAG_LENGTH = 8;
    public static final int PASSWORD_LENGTH = 24;
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public IceCredentials {
        if (!isValid(ufrag, 4, 256) || !isValid(password, 22, 256)) {
            throw new IllegalArgumentException("ufrag needs 4..256 and password 22..256 ice-chars");
        }
    }

    public static IceCredentials generate() {
        return generate(RANDOM);
    }

    public static IceCredentials generate(Random random) {
        return new IceCredentials(randomIceChars(random, UFRAG_LENGTH), randomIceChars(random, PASSWORD_LENGTH));
    }

    private static String randomIceChars(Random random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    /** Whether {@code s} is {@code min..max} ice-chars. */
    public static boolean isValid(String s, int min, int max) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password=<hidden>]";
    }
}
