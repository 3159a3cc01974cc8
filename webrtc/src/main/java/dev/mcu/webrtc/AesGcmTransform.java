package dev.mcu.webrtc;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): the header is associated data, the payload is
 * encrypted, a 16-byte tag follows.
 *
 * <pre>
 *   SRTP IV  = salt XOR ( 00 00 | SSRC (4) | ROC (4) | SEQ (2) )                       (§8.1)
 *   SRTCP IV = salt XOR ( 00 00 | SSRC (4) | 00 00 | 0 + SRTCP index (31 bits) )        (§9.1)
 *
 *   SRTP:            | header (AAD) | ciphertext | tag (16) |
 *   SRTCP, E=1:      | header 8 (AAD) | ciphertext | tag (16) | E|index (4, AAD) |
 *   SRTCP, E=0:      | whole packet (AAD)         | tag (16) | E|index (4, AAD) |      (§9.3)
 * </pre>
 *
 * Java refuses to encrypt twice in a row under the same key and IV, so protecting the very same
 * index twice fails (the context reports MALFORMED) instead of repeating a nonce.
 * Confined to its context's thread (reuses its Ciphers).
 */
final class AesGcmTransform implements SrtpTransform {
    private static final int TAG_SIZE = 16;
    private static final int TAG_BITS = TAG_SIZE * 8;
    private static final int IV_SIZE = 12;
    private static final int RTCP_HEADER = 8;
    private static final int INDEX_SIZE = 4;
    private static final int E_BIT = 0x80000000;

    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Cipher rtpCipher; // owned
    private final Cipher rtcpCipher; // owned
    private final byte[] iv = new byte[IV_SIZE];
    private final byte[] indexWord = new byte[INDEX_SIZE];

    AesGcmTransform(SrtpSessionKeys keys) {
        this.rtpKey = new SecretKeySpec(keys.rtpKey(), "AES");
        this.rtpSalt = keys.rtpSalt();
        this.rtcpKey = new SecretKeySpec(keys.rtcpKey(), "AES");
        this.rtcpSalt = keys.rtcpSalt();
        try {
            this.rtpCipher = Cipher.getInstance("AES/GCM/NoPadding");
            this.rtcpCipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    @Override
    public int rtpTrailerLength() {
        return TAG_SIZE;
    }

    @Override
    public int rtcpTrailerLength() {
        return TAG_SIZE + INDEX_SIZE;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException {
        rtpIv(ssrc, index);
        rtpCipher.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(TAG_BITS, iv));
        rtpCipher.updateAAD(buf, off, headerLength);
        int sealed = rtpCipher.doFinal(buf, off + headerLength, len - headerLength, buf, off + headerLength);
        return headerLength + sealed;
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException {
        rtpIv(ssrc, index);
        rtpCipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(TAG_BITS, iv));
        rtpCipher.updateAAD(buf, off, headerLength);
        try {
            return headerLength + rtpCipher.doFinal(buf, off + headerLength, len - headerLength, buf, off + headerLength);
        } catch (AEADBadTagException e) {
            return -1;
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex) throws GeneralSecurityException {
        rtcpIv(ssrc, srtcpIndex);
        writeInt(indexWord, 0, E_BIT | srtcpIndex);
        rtcpCipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(TAG_BITS, iv));
        rtcpCipher.updateAAD(buf, off, RTCP_HEADER);
        rtcpCipher.updateAAD(indexWord);
        int sealed = rtcpCipher.doFinal(buf, off + RTCP_HEADER, len - RTCP_HEADER, buf, off + RTCP_HEADER);
        int end = off + RTCP_HEADER + sealed;
        System.arraycopy(indexWord, 0, buf, end, INDEX_SIZE);
        return RTCP_HEADER + sealed + INDEX_SIZE;
    }

    @Override
    public int srtcpIndexPosition(int len) {
        return len - INDEX_SIZE;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted)
            throws GeneralSecurityException {
        int indexAt = off + len - INDEX_SIZE;
        rtcpIv(ssrc, srtcpIndex);
        rtcpCipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(TAG_BITS, iv));
        try {
            if (encrypted) {
                rtcpCipher.updateAAD(buf, off, RTCP_HEADER);
                rtcpCipher.updateAAD(buf, indexAt, INDEX_SIZE);
                return RTCP_HEADER + rtcpCipher.doFinal(buf, off + RTCP_HEADER, len - RTCP_HEADER - INDEX_SIZE,
                        buf, off + RTCP_HEADER);
            }
            int clear = len - INDEX_SIZE - TAG_SIZE;
            rtcpCipher.updateAAD(buf, off, clear);
            rtcpCipher.updateAAD(buf, indexAt, INDEX_SIZE);
            rtcpCipher.doFinal(buf, off + clear, TAG_SIZE, buf, off + clear);
            return clear;
        } catch (AEADBadTagException e) {
            return -1;
        }
    }

    private void rtpIv(int ssrc, long index) {
        iv[0] = 0;
        iv[1] = 0;
        writeInt(iv, 2, ssrc);
        writeInt(iv, 6, (int) (index >>> 16));
        iv[10] = (byte) (index >>> 8);
        iv[11] = (byte) index;
        xorSalt(rtpSalt);
    }

    private void rtcpIv(int ssrc, int srtcpIndex) {
        iv[0] = 0;
        iv[1] = 0;
        writeInt(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        writeInt(iv, 8, srtcpIndex & ~E_BIT);
        xorSalt(rtcpSalt);
    }

    private void xorSalt(byte[] salt) {
        for (int i = 0; i < IV_SIZE; i++) {
            iv[i] ^= salt[i];
        }
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
