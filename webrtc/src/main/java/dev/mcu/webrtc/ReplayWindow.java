package dev.mcu.webrtc;

/**
 * The 64-packet sliding replay window of RFC 3711 §3.3.2 over packet indices (48-bit SRTP index or
 * 31-bit SRTCP index): bit i of the mask says whether {@code highest - i} was received. Check
 * before authenticating, {@link #accept} only after. Confined to its context's thread.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    private boolean started;
    private long highest;
    private long mask;

    /** Whether {@code index} was already received or is too old for the window. */
    boolean isReplayOrTooOld(long index) {
        if (index < 0) {
            return true;
        }
        if (!started || index > highest) {
            return false;
        }
        long age = highest - index;
        return age >= SIZE || ((mask >>> age) & 1) != 0;
    }

    void accept(long index) {
        if (!started) {
            started = true;
            highest = index;
            mask = 1;
        } else if (index > highest) {
            long shift = index - highest;
            mask = shift >= SIZE ? 1 : (mask << shift) | 1;
            highest = index;
        } else {
            mask |= 1L << (highest - index);
        }
    }
}
