package dev.mcu.webrtc;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF and a key derivation rate
 * of 0, as DTLS-SRTP uses: key_id = label || 0^48, x = key_id XOR master_salt, and the session key
 * is the AES-CM keystream under the master key with IV = x * 2^16. A 12-byte GCM master salt is
 * padded with zeros on the right to 14 bytes (RFC 7714 §11, as libsrtp does). Stateless.
 *
 * <pre>
 *   IV (16 bytes):  | master salt (14 bytes)                      | 00 00 |
 *                   XOR label at byte 7 (the top byte of the 56-bit key_id)
 * </pre>
 */
public final class SrtpKeyDerivation {
    public static final int LABEL_RTP_ENCRYPTION = 0x00;
    public static final int LABEL_RTP_AUTH = 0x01;
    public static final int LABEL_RTP_SALT = 0x02;
    public static final int LABEL_RTCP_ENCRYPTION = 0x03;
    public static final int LABEL_RTCP_AUTH = 0x04;
    public static final int LABEL_RTCP_SALT = 0x05;

    private static final int MAX_SALT_LENGTH = 14;
    private static final int LABEL_POSITION = 7;
    private static final int BLOCK = 16;

    private SrtpKeyDerivation() {
    }

    /** {@code length} bytes of session key material for {@code label}. */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException("master salt longer than 14 bytes: " + masterSalt.length);
        }
        byte[] iv = new byte[BLOCK];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[LABEL_POSITION] ^= (byte) label;
        try {
            Cipher prf = Cipher.getInstance("AES/CTR/NoPadding");
            prf.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
            return prf.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot derive SRTP keys: " + e.getMessage(), e);
        }
    }
}
