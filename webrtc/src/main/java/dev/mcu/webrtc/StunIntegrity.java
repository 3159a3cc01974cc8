package dev.mcu.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two checksums of a STUN message. Both cover the message up to their own attribute, with the
 * header's length field rewritten to end just after that attribute (RFC 8489 §14.5, §14.7):
 * MESSAGE-INTEGRITY is HMAC-SHA1 keyed with the short-term password; FINGERPRINT is CRC-32 XOR
 * 0x5354554e ("STUN"). Stateless; a {@link Mac} passed in belongs to the caller's thread.
 */
public final class StunIntegrity {
    static final int FINGERPRINT_XOR = 0x5354554e;
    private static final String HMAC_SHA1 = "HmacSHA1";

    private StunIntegrity() {
    }

    /** A Mac keyed for short-term credentials: the key is the password's UTF-8 bytes. */
    public static Mac newMac(String password) {
        return newMac(password.getBytes(StandardCharsets.UTF_8));
    }

    public static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(key, HMAC_SHA1));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** HMAC-SHA1 over {@code message[0, attributeOffset)} with the length ending after MESSAGE-INTEGRITY. */
    static byte[] messageIntegrity(Mac mac, byte[] message, int attributeOffset) {
        int adjustedLength = attributeOffset + StunAttribute.HEADER_SIZE + StunAttribute.MESSAGE_INTEGRITY_SIZE
                - StunMessage.HEADER_SIZE;
        mac.reset();
        mac.update(message, 0, 2);
        mac.update((byte) (adjustedLength >>> 8));
        mac.update((byte) adjustedLength);
        mac.update(message, 4, attributeOffset - 4);
        return mac.doFinal();
    }

    /** CRC-32 XOR "STUN" over {@code message[0, attributeOffset)} with the length ending after FINGERPRINT. */
    static int fingerprint(byte[] message, int attributeOffset) {
        int adjustedLength = attributeOffset + StunAttribute.HEADER_SIZE + StunAttribute.FINGERPRINT_SIZE
                - StunMessage.HEADER_SIZE;
        CRC32 crc = new CRC32();
        crc.update(message, 0, 2);
        crc.update(adjustedLength >>> 8);
        crc.update(adjustedLength & 0xff);
        crc.update(message, 4, attributeOffset - 4);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
