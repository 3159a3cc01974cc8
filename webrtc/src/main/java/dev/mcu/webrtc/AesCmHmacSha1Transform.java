package dev.mcu.webrtc;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 in counter mode with an HMAC-SHA1 tag (RFC 3711 §4.1.1, §4.2): SRTP_AES128_CM_HMAC_SHA1_80.
 *
 * <pre>
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)      i = 48-bit SRTP or 31-bit SRTCP index
 *
 *   SRTP:  | header | encrypted payload | tag (10) |          tag = HMAC(header..payload || ROC)
 *   SRTCP: | header (8) | encrypted rest | E|index (4) | tag (10) |   tag = HMAC(header..index)
 * </pre>
 *
 * Confined to its context's thread (reuses its Cipher and Mac).
 */
final class AesCmHmacSha1Transform implements SrtpTransform {
    private static final int IV_SIZE = 16;
    private static final int RTCP_HEADER = 8;
    private static final int INDEX_SIZE = 4;
    private static final int E_BIT = 0x80000000;

    private final int tagLength;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Cipher cipher; // owned: shared by RTP and RTCP, re-initialised per packet
    private final Mac rtpMac; // owned
    private final Mac rtcpMac; // owned
    private final byte[] iv = new byte[IV_SIZE];
    private final byte[] mac = new byte[20];
    private final byte[] word = new byte[4];

    AesCmHmacSha1Transform(SrtpSessionKeys keys, int tagLength) {
        this.tagLength = tagLength;
        this.rtpKey = new SecretKeySpec(keys.rtpKey(), "AES");
        this.rtpSalt = keys.rtpSalt();
        this.rtcpKey = new SecretKeySpec(keys.rtcpKey(), "AES");
        this.rtcpSalt = keys.rtcpSalt();
        try {
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
            this.rtpMac = Mac.getInstance("HmacSHA1");
            this.rtpMac.init(new SecretKeySpec(keys.rtpAuthKey(), "HmacSHA1"));
            this.rtcpMac = Mac.getInstance("HmacSHA1");
            this.rtcpMac.init(new SecretKeySpec(keys.rtcpAuthKey(), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR and HmacSHA1 are part of every JDK", e);
        }
    }

    @Override
    public int rtpTrailerLength() {
        return tagLength;
    }

    @Override
    public int rtcpTrailerLength() {
        return INDEX_SIZE + tagLength;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException {
        crypt(rtpKey, rtpSalt, ssrc, index, buf, off + headerLength, len - headerLength);
        writeTag(rtpMac, buf, off, len, (int) (index >>> 16), true);
        return len + tagLength;
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException {
        int authenticated = len - tagLength;
        if (!tagMatches(rtpMac, buf, off, authenticated, (int) (index >>> 16), true)) {
            return -1;
        }
        crypt(rtpKey, rtpSalt, ssrc, index, buf, off + headerLength, authenticated - headerLength);
        return authenticated;
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex) throws GeneralSecurityException {
        crypt(rtcpKey, rtcpSalt, ssrc, srtcpIndex, buf, off + RTCP_HEADER, len - RTCP_HEADER);
        writeInt(buf, off + len, E_BIT | srtcpIndex);
        writeTag(rtcpMac, buf, off, len + INDEX_SIZE, 0, false);
        return len + INDEX_SIZE + tagLength;
    }

    @Override
    public int srtcpIndexPosition(int len) {
        return len - tagLength - INDEX_SIZE;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted)
            throws GeneralSecurityException {
        int authenticated = len - tagLength;
        if (!tagMatches(rtcpMac, buf, off, authenticated, 0, false)) {
            return -1;
        }
        int clear = authenticated - INDEX_SIZE;
        if (encrypted) {
            crypt(rtcpKey, rtcpSalt, ssrc, srtcpIndex, buf, off + RTCP_HEADER, clear - RTCP_HEADER);
        }
        return clear;
    }

    /** XORs {@code buf[from, from+count)} with the AES-CM keystream for this SSRC and index. */
    private void crypt(SecretKeySpec key, byte[] salt, int ssrc, long index, byte[] buf, int from, int count)
            throws GeneralSecurityException {
        if (count <= 0) {
            return;
        }
        System.arraycopy(salt, 0, iv, 0, salt.length);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        cipher.doFinal(buf, from, count, buf, from);
    }

    private void writeTag(Mac hmac, byte[] buf, int off, int len, int roc, boolean withRoc)
            throws GeneralSecurityException {
        computeMac(hmac, buf, off, len, roc, withRoc);
        System.arraycopy(mac, 0, buf, off + len, tagLength);
    }

    private boolean tagMatches(Mac hmac, byte[] buf, int off, int len, int roc, boolean withRoc)
            throws GeneralSecurityException {
        computeMac(hmac, buf, off, len, roc, withRoc);
        int diff = 0;
        for (int i = 0; i < tagLength; i++) {
            diff |= mac[i] ^ buf[off + len + i];
        }
        return diff == 0;
    }

    private void computeMac(Mac hmac, byte[] buf, int off, int len, int roc, boolean withRoc)
            throws GeneralSecurityException {
        hmac.update(buf, off, len);
        if (withRoc) {
            writeInt(word, 0, roc);
            hmac.update(word);
        }
        hmac.doFinal(mac, 0);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
