package dev.mcu.webrtc;

/** The result of an SRTP/SRTCP operation: the packet path counts and drops instead of catching. */
public enum SrtpStatus {
    OK,
    /** The authentication tag does not match: tampered, or keyed differently. */
    AUTH_FAILED,
    /** Seen already, or older than the 64-packet replay window. */
    REPLAYED,
    /** Too short, not version 2, a header that overruns the packet, or a crypto error. */
    MALFORMED
}
