package dev.mcu.app;

import java.time.Duration;

/**
 * One participant's video rates as an operator wants them: pictures decoded per second and kbit/s
 * received and sent over the last {@link #WINDOW} (5 s), or since it joined when it is younger than
 * that. A camera that froze a minute ago shows 0 fps, not the average of the hour before.
 *
 * <p>How: a ring of counter samples, one taken each second by the control timer whether or not
 * anyone asks, starting with zeros at the join. A reader gives the counters it has now (from the
 * room's snapshot) and gets the rate from the oldest sample inside the window to now, so a poll
 * once an hour still sees the last five seconds. The ring holds the counters as running totals:
 * when a raw counter goes backwards (a decoder or transport replaced by a re-INVITE starts again
 * at zero) its new value counts as what happened since, as Prometheus' {@code rate()} treats a reset.
 *
 * <p>Threads: {@link #sample} from the control timer (once a second), {@link #at} from HTTP
 * handlers. Both hold this object's monitor for a few dozen instructions; the media path never
 * touches it. No allocation per sample.
 */
final class RecentRates {
    static final Duration WINDOW = Duration.ofSeconds(5);
    /** How often the control timer samples; samples closer together than half of it are skipped. */
    static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);
    /** A counter the sampler could not read this time: taken as unchanged. */
    static final long UNKNOWN = -1;
    private static final long WINDOW_NANOS = WINDOW.toNanos();
    private static final long MIN_SAMPLE_GAP_NANOS = SAMPLE_PERIOD.toNanos() / 2;
    /** The samples a window spans at one a second, plus slack for a late timer. */
    private static final int SLOTS = 8;

    private final long[] atNanos = new long[SLOTS];
    private final long[] framesTotal = new long[SLOTS];
    private final long[] bytesInTotal = new long[SLOTS];
    private final long[] bytesOutTotal = new long[SLOTS];
    private int newest;        // slot of the newest sample
    private int filled = 1;    // slots holding a sample
    private long lastFrames;   // the raw counters of the newest sample
    private long lastBytesIn;
    private long lastBytesOut;

    /** Starts with the join: every counter 0 at {@code joinedNanos} ({@link System#nanoTime}). */
    RecentRates(long joinedNanos) {
        atNanos[0] = joinedNanos;
    }

    /** Records the counters as read at {@code nowNanos}; {@code frames} may be {@link #UNKNOWN}. */
    synchronized void sample(long nowNanos, long frames, long bytesIn, long bytesOut) {
        if (nowNanos - atNanos[newest] < MIN_SAMPLE_GAP_NANOS) {
            return;
        }
        if (frames == UNKNOWN) {
            frames = lastFrames;
        }
        int slot = (newest + 1) % SLOTS;
        atNanos[slot] = nowNanos;
        framesTotal[slot] = framesTotal[newest] + sinceLast(frames, lastFrames);
        bytesInTotal[slot] = bytesInTotal[newest] + sinceLast(bytesIn, lastBytesIn);
        bytesOutTotal[slot] = bytesOutTotal[newest] + sinceLast(bytesOut, lastBytesOut);
        lastFrames = frames;
        lastBytesIn = bytesIn;
        lastBytesOut = bytesOut;
        newest = slot;
        filled = Math.min(SLOTS, filled + 1);
    }

    /** A counter's growth since the last sample; a counter that went backwards started again at 0. */
    private static long sinceLast(long now, long last) {
        return now >= last ? now - last : now;
    }

    /**
     * The rates up to {@code nowNanos}, given the counters read then: from the oldest sample no
     * older than the window, or from the newest sample when the sampler has fallen behind.
     */
    synchronized Rates at(long nowNanos, long frames, long bytesIn, long bytesOut) {
        int base = newest;
        for (int i = 1; i < filled; i++) {
            int slot = Math.floorMod(newest - i, SLOTS);
            if (nowNanos - atNanos[slot] > WINDOW_NANOS) {
                break;
            }
            base = slot;
        }
        double seconds = (Math.max(nowNanos, atNanos[newest]) - atNanos[base]) / 1e9;
        if (seconds <= 0) {
            return Rates.NONE;
        }
        // The reader's counters may predate the newest sample (it raced the timer): no growth then, not a reset.
        long framesNow = framesTotal[newest] + Math.max(0, frames - lastFrames);
        long bytesInNow = bytesInTotal[newest] + Math.max(0, bytesIn - lastBytesIn);
        long bytesOutNow = bytesOutTotal[newest] + Math.max(0, bytesOut - lastBytesOut);
        return new Rates(Math.round((framesNow - framesTotal[base]) / seconds * 10) / 10.0,
                Math.round((bytesInNow - bytesInTotal[base]) * 8 / 1000.0 / seconds),
                Math.round((bytesOutNow - bytesOutTotal[base]) * 8 / 1000.0 / seconds));
    }

    /**
     * @param fps     video pictures decoded per second, to 0.1
     * @param kbpsIn  video kbit/s received, from the bytes the transport counts
     * @param kbpsOut video kbit/s sent
     */
    record Rates(double fps, long kbpsIn, long kbpsOut) {
        static final Rates NONE = new Rates(0, 0, 0);
    }
}
