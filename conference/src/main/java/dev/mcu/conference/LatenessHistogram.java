package dev.mcu.conference;

/**
 * How late a periodic task started (actual minus scheduled start), in 50 µs buckets up to 100 ms,
 * for percentiles without keeping every sample. Two windows: everything since the room opened,
 * and since the last {@link #takeWindow}.
 *
 * <p>Threads: {@link #record} on the one thread whose rounds it measures; snapshots on that same
 * thread (the room answers them on its audio lane).
 */
final class LatenessHistogram {
    static final long BUCKET_NANOS = 50_000;
    private static final int BUCKETS = 2000; // 100 ms; later samples go to the last bucket

    /** Percentiles in microseconds; immutable. */
    record Summary(long rounds, long p50Micros, long p99Micros, long maxMicros) {
        static final Summary EMPTY = new Summary(0, 0, 0, 0);
    }

    private final long[] total = new long[BUCKETS];
    private final long[] window = new long[BUCKETS];
    private long totalCount;
    private long windowCount;
    private long totalMax;
    private long windowMax;

    void record(long latenessNanos) {
        long late = Math.max(0, latenessNanos);
        int bucket = (int) Math.min(BUCKETS - 1, late / BUCKET_NANOS);
        total[bucket]++;
        window[bucket]++;
        totalCount++;
        windowCount++;
        totalMax = Math.max(totalMax, late);
        windowMax = Math.max(windowMax, late);
    }

    Summary total() {
        return summarize(total, totalCount, totalMax);
    }

    /** The window since the previous call, which starts a new one. */
    Summary takeWindow() {
        Summary s = summarize(window, windowCount, windowMax);
        java.util.Arrays.fill(window, 0);
        windowCount = 0;
        windowMax = 0;
        return s;
    }

    private static Summary summarize(long[] counts, long count, long max) {
        if (count == 0) {
            return Summary.EMPTY;
        }
        return new Summary(count, percentile(counts, count, 0.50, max), percentile(counts, count, 0.99, max),
                max / 1000);
    }

    /** The upper edge of the bucket holding the percentile, never above the largest sample. */
    private static long percentile(long[] counts, long count, double fraction, long max) {
        long rank = (long) Math.ceil(fraction * count);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min((i + 1) * BUCKET_NANOS, max) / 1000;
            }
        }
        return max / 1000;
    }
}
