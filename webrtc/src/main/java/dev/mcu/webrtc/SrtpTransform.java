package dev.mcu.webrtc;

import java.security.GeneralSecurityException;

/**
 * The cryptographic half of an SRTP context: given a packet whose index is already known, encrypt
 * and authenticate it in place, or verify and decrypt it. Header parsing, index estimation and
 * replay protection stay in {@link SrtpContext}. Implementations reuse their Cipher and Mac
 * instances, so they are confined to the context's thread.
 */
interface SrtpTransform {

    /** Bytes {@link #protectRtp} appends. */
    int rtpTrailerLength();

    /** Bytes {@link #protectRtcp} appends (authentication tag plus the 4-byte E|SRTCP index). */
    int rtcpTrailerLength();

    /** Encrypts the payload and appends the tag; {@code buf} has room. Returns the new length. */
    int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException;

    /** Verifies and decrypts; {@code len} includes the tag. Returns the clear length, or -1 on a bad tag. */
    int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index)
            throws GeneralSecurityException;

    /** Encrypts everything after the first 8 bytes, appends E=1|index and the tag. Returns the new length. */
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex) throws GeneralSecurityException;

    /** Where the E|SRTCP index word starts, relative to {@code off}, in a protected packet of {@code len}. */
    int srtcpIndexPosition(int len);

    /**
     * Verifies and, when {@code encrypted}, decrypts. Returns the clear length (trailer removed), or -1
     * on a bad tag.
     */
    int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted)
            throws GeneralSecurityException;

    static SrtpTransform create(SrtpProfile profile, SrtpSessionKeys keys) {
        return profile.isAead() ? new AesGcmTransform(keys) : new AesCmHmacSha1Transform(keys, profile.tagLength());
    }
}
