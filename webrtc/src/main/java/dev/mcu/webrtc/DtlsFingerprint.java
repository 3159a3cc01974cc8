package dev.mcu.webrtc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as SDP carries it in a=fingerprint (RFC 8122 §5): a hash function name
 * and the hash of the DER certificate as colon-separated uppercase hex, e.g.
 * {@code sha-256 AB:CD:...}. Immutable.
 */
public final class DtlsFingerprint {
    private final String algorithm;
    private final byte[] hash;

    private DtlsFingerprint(String algorithm, byte[] hash) {
        this.algorithm = algorithm;
        this.hash = hash;
    }

    /** The fingerprint of a DER certificate under {@code algorithm} ("sha-256", "sha-1", ...). */
    public static DtlsFingerprint of(String algorithm, byte[] derCertificate) {
        String name = algorithm.toLowerCase(Locale.ROOT);
        return new DtlsFingerprint(name, digest(name).digest(derCertificate));
    }

    public static DtlsFingerprint sha256(byte[] derCertificate) {
        return of("sha-256", derCertificate);
    }

    /**
     * Parses the value of a=fingerprint ({@code "sha-256 AB:CD:..."}); hex case and surrounding
     * blanks do not matter. Throws IllegalArgumentException for an unknown hash or bad hex: this
     * comes from signalling, not from the packet path.
     */
    public static DtlsFingerprint parse(String attributeValue) {
        String[] parts = attributeValue.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a=fingerprint needs '<hash-func> <hex>': " + attributeValue);
        }
        String name = parts[0].toLowerCase(Locale.ROOT);
        int expectedLength = digest(name).getDigestLength();
        String hex = parts[1].replace(":", "");
        byte[] hash;
        try {
            hash = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad fingerprint hex: " + parts[1], e);
        }
        if (hash.length != expectedLength) {
            throw new IllegalArgumentException(name + " has " + expectedLength + " bytes, got " + hash.length);
        }
        return new DtlsFingerprint(name, hash);
    }

    public String algorithm() {
        return algorithm;
    }

    /** Whether {@code derCertificate} hashes to this fingerprint (constant time). */
    public boolean matches(byte[] derCertificate) {
        return MessageDigest.isEqual(hash, digest(algorithm).digest(derCertificate));
    }

    /** The a=fingerprint value: {@code sha-256 AB:CD:...}. */
    @Override
    public String toString() {
        return algorithm + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint other && other.algorithm.equals(algorithm) && Arrays.equals(other.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(hash);
    }

    private static MessageDigest digest(String sdpName) {
        String jdkName = switch (sdpName) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash: " + sdpName);
        };
        try {
            return MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jdkName + " is part of every JDK", e);
        }
    }
}
