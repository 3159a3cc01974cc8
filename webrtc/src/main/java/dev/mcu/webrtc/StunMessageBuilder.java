package dev.mcu.webrtc;

import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * Writes a STUN message: header, attributes padded to 4 bytes, then optionally MESSAGE-INTEGRITY
 * and FINGERPRINT, always in that order and always last. One builder per message; not thread-safe.
 */
public final class StunMessageBuilder {
    private final int type;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes = new ArrayList<>();
    private byte paddingByte;

    public StunMessageBuilder(int type, byte[] transactionId) {
        if (transactionId.length != StunMessage.TRANSACTION_ID_SIZE) {
            throw new IllegalArgumentException("a transaction id has 12 bytes, not " + transactionId.length);
        }
        this.type = type;
        this.transactionId = transactionId.clone();
    }

    public StunMessageBuilder add(StunAttribute attribute) {
        attributes.add(attribute);
        return this;
    }

    /** The value of padding bytes; receivers ignore it (RFC 5769's vectors use 0x20, we send 0). */
    public StunMessageBuilder paddingByte(int value) {
        this.paddingByte = (byte) value;
        return this;
    }

    /** The message without MESSAGE-INTEGRITY, with FINGERPRINT if asked. */
    public byte[] build(boolean fingerprint) {
        return build(null, fingerprint);
    }

    /**
     * The message, with MESSAGE-INTEGRITY computed by {@code integrity} (a Mac keyed with the
     * short-term password, or {@code null} for none) and FINGERPRINT if asked.
     */
    public byte[] build(Mac integrity, boolean fingerprint) {
        int size = StunMessage.HEADER_SIZE;
        for (StunAttribute a : attributes) {
            size += StunAttribute.HEADER_SIZE + ((a.length() + 3) & ~3);
        }
        int integrityOffset = size;
        if (integrity != null) {
            size += StunAttribute.HEADER_SIZE + StunAttribute.MESSAGE_INTEGRITY_SIZE;
        }
        int fingerprintOffset = size;
        if (fingerprint) {
            size += StunAttribute.HEADER_SIZE + StunAttribute.FINGERPRINT_SIZE;
        }
        byte[] out = new byte[size];
        writeShort(out, 0, type);
        writeShort(out, 2, size - StunMessage.HEADER_SIZE);
        writeInt(out, 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, out, 8, StunMessage.TRANSACTION_ID_SIZE);
        int pos = StunMessage.HEADER_SIZE;
        for (StunAttribute a : attributes) {
            pos = writeAttribute(out, pos, a.type(), a.value());
        }
        if (integrity != null) {
            byte[] hmac = StunIntegrity.messageIntegrity(integrity, out, integrityOffset);
            pos = writeAttribute(out, pos, StunAttribute.MESSAGE_INTEGRITY, hmac);
        }
        if (fingerprint) {
            int crc = StunIntegrity.fingerprint(out, fingerprintOffset);
            writeShort(out, pos, StunAttribute.FINGERPRINT);
            writeShort(out, pos + 2, StunAttribute.FINGERPRINT_SIZE);
            writeInt(out, pos + 4, crc);
        }
        return out;
    }

    private int writeAttribute(byte[] out, int pos, int attributeType, byte[] value) {
        writeShort(out, pos, attributeType);
        writeShort(out, pos + 2, value.length);
        System.arraycopy(value, 0, out, pos + StunAttribute.HEADER_SIZE, value.length);
        int end = pos + StunAttribute.HEADER_SIZE + value.length;
        int paddedEnd = pos + StunAttribute.HEADER_SIZE + ((value.length + 3) & ~3);
        for (int i = end; i < paddedEnd; i++) {
            out[i] = paddingByte;
        }
        return paddedEnd;
    }

    private static void writeShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
