package dev.mcu.webrtc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.crypto.Mac;

/**
 * A parsed STUN message (RFC 8489 §5). {@link #parse} copies the bytes and returns {@code null} for
 * anything that fails the basic checks (leading zero bits, magic cookie, length a multiple of 4
 * that matches the datagram, attributes that fit), so the receive path counts and drops instead of
 * throwing. Immutable; any thread.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   Message Type: M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
 * </pre>
 *
 * Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (RFC 8489 §14.5), and
 * FINGERPRINT, when present, must be the last attribute.
 */
public final class StunMessage {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_SIZE = 20;
    public static final int TRANSACTION_ID_SIZE = 12;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    public static final int BINDING_ERROR_RESPONSE = 0x0111;

    private static final int FIRST_TWO_BITS = 0xC0;
    private static final int CLASS_BITS = 0x0110;
    private static final int CLASS_REQUEST = 0x0000;

    private final byte[] bytes;
    private final int type;
    private final List<StunAttribute> attributes;
    private final int integrityOffset;
    private final int fingerprintOffset;

    private StunMessage(byte[] bytes, int type, List<StunAttribute> attributes, int integrityOffset,
                        int fingerprintOffset) {
        this.bytes = bytes;
        this.type = type;
        this.attributes = attributes;
        this.integrityOffset = integrityOffset;
        this.fingerprintOffset = fingerprintOffset;
    }

    /** Parses {@code packet[offset, offset+length)} as one whole STUN message; {@code null} if it is not. */
    public static StunMessage parse(byte[] packet, int offset, int length) {
        if (length < HEADER_SIZE || offset < 0 || offset + length > packet.length) {
            return null;
        }
        if ((packet[offset] & FIRST_TWO_BITS) != 0 || readInt(packet, offset + 4) != MAGIC_COOKIE) {
            return null;
        }
        int bodyLength = readShort(packet, offset + 2);
        if (bodyLength % 4 != 0 || bodyLength != length - HEADER_SIZE) {
            return null;
        }
        byte[] bytes = new byte[length];
        System.arraycopy(packet, offset, bytes, 0, length);
        List<StunAttribute> attributes = new ArrayList<>();
        int integrityOffset = -1;
        int fingerprintOffset = -1;
        int pos = HEADER_SIZE;
        while (pos < length) {
            if (fingerprintOffset >= 0 || length - pos < StunAttribute.HEADER_SIZE) {
                return null; // something after FINGERPRINT, or a truncated attribute header
            }
            int attributeType = readShort(bytes, pos);
            int valueLength = readShort(bytes, pos + 2);
            int padded = (valueLength + 3) & ~3;
            if (padded > length - pos - StunAttribute.HEADER_SIZE) {
                return null;
            }
            byte[] value = new byte[valueLength];
            System.arraycopy(bytes, pos + StunAttribute.HEADER_SIZE, value, 0, valueLength);
            if (attributeType == StunAttribute.FINGERPRINT) {
                if (valueLength != StunAttribute.FINGERPRINT_SIZE) {
                    return null;
                }
                fingerprintOffset = pos;
                attributes.add(new StunAttribute(attributeType, value));
            } else if (integrityOffset < 0) {
                if (attributeType == StunAttribute.MESSAGE_INTEGRITY) {
                    if (valueLength != StunAttribute.MESSAGE_INTEGRITY_SIZE) {
                        return null;
                    }
                    integrityOffset = pos;
                }
                attributes.add(new StunAttribute(attributeType, value));
            }
            pos += StunAttribute.HEADER_SIZE + padded;
        }
        return new StunMessage(bytes, readShort(bytes, 0), Collections.unmodifiableList(attributes),
                integrityOffset, fingerprintOffset);
    }

    public static StunMessage parse(byte[] packet) {
        return parse(packet, 0, packet.length);
    }

    /** The 14-bit message type, e.g. {@link #BINDING_REQUEST}. */
    public int type() {
        return type;
    }

    /** The method with the class bits removed (Binding = 1). */
    public int method() {
        return (type & 0x000F) | ((type & 0x00E0) >>> 1) | ((type & 0x3E00) >>> 2);
    }

    public boolean isRequest() {
        return (type & CLASS_BITS) == CLASS_REQUEST;
    }

    public byte[] transactionId() {
        byte[] id = new byte[TRANSACTION_ID_SIZE];
        System.arraycopy(bytes, 8, id, 0, TRANSACTION_ID_SIZE);
        return id;
    }

    /** The attributes in wire order (those after MESSAGE-INTEGRITY, except FINGERPRINT, left out). */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of a type, or {@code null}. */
    public StunAttribute attribute(int attributeType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attributeType) {
                return a;
            }
        }
        return null;
    }

    public boolean has(int attributeType) {
        return attribute(attributeType) != null;
    }

    /** A copy of the message as received. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** Whether FINGERPRINT is present and matches the CRC-32 of what precedes it. */
    public boolean fingerprintValid() {
        return fingerprintOffset >= 0
                && StunIntegrity.fingerprint(bytes, fingerprintOffset) == readInt(bytes, fingerprintOffset + 4);
    }

    /**
     * Whether MESSAGE-INTEGRITY is present and matches the HMAC-SHA1 under {@code integrity}, a Mac
     * already keyed with the short-term password (see {@link StunIntegrity#newMac}).
     */
    public boolean integrityValid(Mac integrity) {
        if (integrityOffset < 0) {
            return false;
        }
        byte[] expected = StunIntegrity.messageIntegrity(integrity, bytes, integrityOffset);
        int diff = 0;
        for (int i = 0; i < StunAttribute.MESSAGE_INTEGRITY_SIZE; i++) {
            diff |= expected[i] ^ bytes[integrityOffset + StunAttribute.HEADER_SIZE + i];
        }
        return diff == 0;
    }

    public boolean integrityValid(byte[] key) {
        return integrityValid(StunIntegrity.newMac(key));
    }

    static int readShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    @Override
    public String toString() {
        return String.format("StunMessage[type=0x%04x, %d attributes]", type, attributes.size());
    }
}
