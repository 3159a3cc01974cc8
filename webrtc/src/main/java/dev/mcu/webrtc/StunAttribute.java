package dev.mcu.webrtc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One STUN attribute (RFC 8489 §14): a type and its value, without the padding. The constants name
 * the types ICE-lite meets; the static helpers encode and decode the small ones. Immutable.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Types below 0x8000 are comprehension-required: a request carrying one the agent does not know is
 * answered with 420 (Unknown Attribute).
 */
public final class StunAttribute {
    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int PASSWORD_ALGORITHM = 0x001D;
    public static final int USERHASH = 0x001E;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    static final int HEADER_SIZE = 4;
    static final int MESSAGE_INTEGRITY_SIZE = 20;
    static final int FINGERPRINT_SIZE = 4;
    private static final int COMPREHENSION_OPTIONAL = 0x8000;
    private static final int ERROR_CLASS_SHIFT = 8;

    private final int type;
    private final byte[] value;

    public StunAttribute(int type, byte[] value) {
        this.type = type;
        this.value = value.clone();
    }

    public int type() {
        return type;
    }

    /** A copy of the value, without padding. */
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** The value as UTF-8 text (USERNAME, SOFTWARE, the reason phrase of ERROR-CODE after 4 bytes). */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The value as a 32-bit number (PRIORITY); 0 when it is not 4 bytes. */
    public long uint32() {
        if (value.length != 4) {
            return 0;
        }
        return ((value[0] & 0xffL) << 24) | ((value[1] & 0xff) << 16) | ((value[2] & 0xff) << 8) | (value[3] & 0xff);
    }

    /** The value as a 64-bit number (ICE-CONTROLLING/CONTROLLED tie-breaker); 0 when not 8 bytes. */
    public long uint64() {
        if (value.length != 8) {
            return 0;
        }
        long v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xff);
        }
        return v;
    }

    /** The ERROR-CODE number (class * 100 + number), or -1 when this is no well-formed ERROR-CODE. */
    public int errorCode() {
        if (type != ERROR_CODE || value.length < 4) {
            return -1;
        }
        return (value[2] & 0x07) * 100 + (value[3] & 0xff);
    }

    public static boolean isComprehensionRequired(int type) {
        return type < COMPREHENSION_OPTIONAL;
    }

    public static StunAttribute username(String username) {
        return new StunAttribute(USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public static StunAttribute software(String software) {
        return new StunAttribute(SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    public static StunAttribute priority(long priority) {
        return new StunAttribute(PRIORITY, bigEndian(priority, 4));
    }

    public static StunAttribute useCandidate() {
        return new StunAttribute(USE_CANDIDATE, new byte[0]);
    }

    public static StunAttribute iceControlling(long tieBreaker) {
        return new StunAttribute(ICE_CONTROLLING, bigEndian(tieBreaker, 8));
    }

    public static StunAttribute iceControlled(long tieBreaker) {
        return new StunAttribute(ICE_CONTROLLED, bigEndian(tieBreaker, 8));
    }

    /**
     * ERROR-CODE (RFC 8489 §14.8).
     * <pre>
     * |           Reserved, should be 0         |Class|     Number    |
     * |      Reason Phrase (variable)                                ..
     * </pre>
     */
    public static StunAttribute errorCode(int code, String reason) {
        byte[] phrase = reason.getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[4 + phrase.length];
        int bits = ((code / 100) << ERROR_CLASS_SHIFT) | (code % 100);
        value[2] = (byte) (bits >>> 8);
        value[3] = (byte) bits;
        System.arraycopy(phrase, 0, value, 4, phrase.length);
        return new StunAttribute(ERROR_CODE, value);
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the 16-bit types the 420 response lists. */
    public static StunAttribute unknownAttributes(int[] types) {
        byte[] value = new byte[types.length * 2];
        for (int i = 0; i < types.length; i++) {
            value[2 * i] = (byte) (types[i] >>> 8);
            value[2 * i + 1] = (byte) types[i];
        }
        return new StunAttribute(UNKNOWN_ATTRIBUTES, value);
    }

    private static byte[] bigEndian(long v, int size) {
        byte[] out = new byte[size];
        for (int i = size - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunAttribute other && other.type == type && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("StunAttribute[0x%04x, %d bytes]", type, value.length);
    }
}
