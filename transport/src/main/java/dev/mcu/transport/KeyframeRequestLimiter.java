package dev.mcu.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets at most one keyframe request through per interval: a burst of requests (several layout
 * changes, a retrying decoder) becomes one PLI. Thread-safe; the clock is passed in.
 */
public final class KeyframeRequestLimiter {
    private static final long NEVER = Long.MIN_VALUE;

    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos = new AtomicLong(NEVER);

    public KeyframeRequestLimiter(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    public boolean tryAcquire(long nowNanos) {
        long next = nextAllowedNanos.get();
        if (next != NEVER && nowNanos - next < 0) {
            return false;
        }
        return nextAllowedNanos.compareAndSet(next, nowNanos + intervalNanos);
    }
}
