package dev.mcu.egress;

/**
 * How long a failing live destination waits before the next attempt: {@code initialMillis},
 * doubling per consecutive failure up to {@code maxMillis}. Immutable.
 */
public record Backoff(long initialMillis, long maxMillis) {
    /** 1 s, 2 s, 4 s ... up to 30 s: quick after a blip, gentle on a server that is down. */
    public static final Backoff DEFAULT = new Backoff(1_000, 30_000);

    public Backoff {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initialMillis + ", " + maxMillis);
        }
    }

    /** The wait after the {@code failures}-th consecutive failure (1 = the first). */
    public long delayMillis(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        return Math.min(maxMillis, initialMillis << doublings);
    }
}
