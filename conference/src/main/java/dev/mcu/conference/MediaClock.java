package dev.mcu.conference;

import java.util.concurrent.Executor;

/**
 * Where a room gets its time and its threads, so that a test can run a room in milliseconds without
 * sleeping (a manual clock) and the server can decide every thread's name and size in one place.
 *
 * <p>Threads: thread-safe; {@link #lane} is called when a room opens.
 */
public interface MediaClock {

    /** Monotonic time, in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * A serial lane: tasks run one at a time, in the order given, on one thread (in production its own),
     * and periodic ticks run on it too.
     *
     * @param name the thread's name, e.g. {@code room-board-audio}
     */
    Lane lane(String name);

    /** Where decoding runs (shared by every room); each stream serializes its own work on it. */
    Executor decodePool();

    /** Where video output profiles are encoded (shared, bounded); a room has one frame in flight at most. */
    Executor encodePool();

    /** Where rooms report their media timings (the server's metrics); none by default. */
    default MediaTimings timings() {
        return MediaTimings.NONE;
    }

    /** One room's serial thread of work: its audio clock, or its video pipeline. */
    interface Lane extends Executor {
        /**
         * Runs {@code tick} every {@code periodNanos}, the first one a period from now. A late tick does
         * not shift the next ones (fixed rate), so the rounds keep their cadence; but a lane that fell
         * far behind skips the ticks it missed rather than running them back to back (the tick sees the
         * gap in its due times).
         */
        void every(long periodNanos, Tick tick);

        /** Stops the ticks and the thread; tasks not yet run are dropped. */
        void shutdown();
    }

    /** A periodic task, told when it was due. */
    @FunctionalInterface
    interface Tick {
        /** @param scheduledNanos when this run was due, on {@link #nanoTime()}'s scale */
        void run(long scheduledNanos);
    }
}
