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
    private final Executor decodePool;   // borrowed
    private final Executor encodePool;   // borrowed
    private final Function<String, ThreadFactory> laneThreads;

    /** @param laneThreads makes the one thread of a lane, given its name (the server's thread inventory) */
    public ThreadedMediaClock(Executor decodePool, Executor encodePool, Function<String, ThreadFactory> laneThreads) {
        this.decodePool = decodePool;
        this.encodePool = encodePool;
        this.laneThreads = laneThreads;
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
                long first = System.nanoTime() + periodNanos;
                long[] runs = {0};
                executor.scheduleAtFixedRate(() -> tick.run(first + runs[0]++ * periodNanos),
                        periodNanos, periodNanos, TimeUnit.NANOSECONDS);
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

    @Override
    public Executor decodePool() {
        return decodePool;
    }

    @Override
    public Executor encodePool() {
        return encodePool;
    }
}
