package dev.mcu.webrtc;

/**
 * Rebuilds the 48-bit SRTP packet index (ROC * 65536 + SEQ) from 16-bit sequence numbers, per the
 * index guessing of RFC 3711 §3.3.1 / Appendix A: a sequence number far below the highest one seen
 * belongs to the next roll-over, one far above it to the previous. {@link #guess} does not change
 * state; {@link #update} runs once the packet authenticated. Confined to its context's thread.
 */
final class RtpIndexTracker {
    private static final int SEQ_MODULUS = 1 << 16;
    private static final int HALF = 1 << 15;

    private boolean started;
    private long roc;
    private int highestSeq;

    /** The packet index for {@code seq}; -1 when it would be from before roll-over counter 0. */
    long guess(int seq) {
        if (!started) {
            return seq;
        }
        long v;
        if (highestSeq < HALF) {
            v = seq - highestSeq > HALF ? roc - 1 : roc;
        } else {
            v = highestSeq - HALF > seq ? roc + 1 : roc;
        }
        return v < 0 ? -1 : v * SEQ_MODULUS + seq;
    }

    void update(long index) {
        long v = index >>> 16;
        int seq = (int) (index & 0xffff);
        if (!started) {
            started = true;
            roc = v;
            highestSeq = seq;
        } else if (v > roc) {
            roc = v;
            highestSeq = seq;
        } else if (v == roc && seq > highestSeq) {
            highestSeq = seq;
        }
    }

    long rolloverCounter() {
        return roc;
    }
}
