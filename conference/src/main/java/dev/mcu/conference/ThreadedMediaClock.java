package dev.mcu.conference;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The production {@link MediaClock}: wall-clock time, one thread per lane, and the pools the server
 * gives it (the server's thread inventory names and sizes them, and makes the lanes' threads).
 *
 * <p>Threads: thread-safe. Each lane's thread is named as asked and runs only that lane's tasks.
 */
public final class ThreadedMediaClock implements MediaClock {
    /** A lane further behind than this skips the ticks it missed instead of running them back to back. */
    static final long MAX_BEHIND_NANOS = 100_000_000L;
    private final Executor decodePool;   // borrowed
    private final Executor encodePool;   // borrowed
    private final Function<String, ThreadFactory> laneThreads;
    private final MediaTimings timings;

    /** @param laneThreads makes the one thread of a lane, given its name (the server's thread inventory) */
    public ThreadedMediaClock(Executor decodePool, Executor encodePool, Function<String, ThreadFactory> laneThreads) {
        this(decodePool, encodePool, laneThreads, MediaTimings.NONE);
    }

    /** @param timings where rooms report their media timings */
    public ThreadedMediaClock(Executor decodePool, Executor encodePool, Function<String, ThreadFactory> laneThreads,
                              MediaTimings timings) {
        this.decodePool = decodePool;
        this.encodePool = encodePool;
        this.laneThreads = laneThreads;
        this.timings = timings;
    }

    @Override
    public MediaTimings timings() {
        return timings;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Lane lane(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, laneThreads.apply(name));
        executor.setRemoveOnCancelPolicy(true);
        return new Lane() {
            @Override
            public void every(long periodNanos, Tick tick) {
                new Periodic(executor, periodNanos, tick).scheduleNext(System.nanoTime());
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }

    /**
     * A fixed-rate tick that never bursts to catch up: when the lane has fallen more than
     * {@link #MAX_BEHIND_NANOS} behind (a stall, a starved CPU), the rounds it missed are skipped
     * and the schedule continues from now, since late audio is no use to anybody; the tick is told
     * each run's due time, so whoever measures lateness sees the jump. Lane thread only.
     */
    private static final class Periodic implements Runnable {
        private final ScheduledThreadPoolExecutor executor;
        private final long period;
        private final Tick tick;
        private long due;

        Periodic(ScheduledThreadPoolExecutor executor, long period, Tick tick) {
            this.executor = executor;
            this.period = period;
            this.tick = tick;
        }

        void scheduleNext(long now) {
            if (due == 0) {
                due = now + period;
            }
            try {
                executor.schedule(this, Math.max(0, due - now), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the lane was shut down: no more ticks
            }
        }

        @Override
        public void run() {
            long scheduled = due;
            try {
                tick.run(scheduled);
            } finally {
                due = scheduled + period;
                long now = System.nanoTime();
                if (now - due > MAX_BEHIND_NANOS) {
                    due += (now - due) / period * period; // skip the missed rounds, keep the phase
                }
                scheduleNext(now);
            }
        }
    }

    @Override
    public Executor decodePool() {
        return decodePool;
    }

    @Override
    public Executor encodePool() {
        return encodePool;
    }
}
