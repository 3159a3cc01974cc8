package dev.mcu.conference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link MediaClock} for tests: time moves only when the test calls {@link #advanceMillis}, and
 * every lane and pool runs its tasks on the test's own thread, in the order given, right away
 * (a trampoline, so a task that hands work on never runs it nested inside itself). A room under
 * this clock needs no sleeping and no sockets, and a future it returns is done when the call returns.
 *
 * <p>Encodes can be held ({@link #holdEncodes}) to catch a room with a frame in flight.
 *
 * <p>Threads: the test's thread only.
 */
final class ManualMediaClock implements MediaClock {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final List<Periodic> periodics = new ArrayList<>();
    private final ArrayDeque<Runnable> heldEncodes = new ArrayDeque<>();
    private long now = 1_000_000_000L;
    private boolean draining;
    private boolean holdEncodes;
    private int decodeTasks;
    private int encodeTasks;

    private static final class Periodic {
        final ManualLane lane;
        final long period;
        final Tick tick;
        long due;

        Periodic(ManualLane lane, long period, Tick tick, long due) {
            this.lane = lane;
            this.period = period;
            this.tick = tick;
            this.due = due;
        }
    }

    private final class ManualLane implements Lane {
        private final String name;
        private boolean shut;

        ManualLane(String name) {
            this.name = name;
        }

        @Override
        public void every(long periodNanos, Tick tick) {
            periodics.add(new Periodic(this, periodNanos, tick, now + periodNanos));
        }

        @Override
        public void execute(Runnable task) {
            if (shut) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            run(() -> {
                if (!shut) {
                    task.run();
                }
            });
        }

        @Override
        public void shutdown() {
            shut = true;
            periodics.removeIf(p -> p.lane == this);
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Lane lane(String name) {
        return new ManualLane(name);
    }

    @Override
    public Executor decodePool() {
        return task -> {
            decodeTasks++;
            run(task);
        };
    }

    @Override
    public Executor encodePool() {
        return task -> {
            encodeTasks++;
            if (holdEncodes) {
                heldEncodes.add(task);
            } else {
                run(task);
            }
        };
    }

    /** From now on encodes wait for {@link #releaseEncodes}. */
    void holdEncodes() {
        holdEncodes = true;
    }

    /** Runs the held encodes and stops holding. */
    void releaseEncodes() {
        holdEncodes = false;
        Runnable task;
        while ((task = heldEncodes.poll()) != null) {
            run(task);
        }
    }

    /** Tasks handed to the decode pool so far (each packet a stream decodes is one). */
    int decodeTasks() {
        return decodeTasks;
    }

    /** Encodes started so far: one per output profile per video frame. */
    int encodeTasks() {
        return encodeTasks;
    }

    /** Moves time forward, running each tick that falls due in order, and everything it hands on. */
    void advanceMillis(long millis) {
        long target = now + millis * 1_000_000L;
        while (true) {
            Periodic next = periodics.stream().filter(p -> p.due <= target)
                    .min(Comparator.comparingLong(p -> p.due)).orElse(null);
            if (next == null) {
                break;
            }
            now = next.due;
            long scheduled = next.due;
            next.due += next.period;
            run(() -> next.tick.run(scheduled));
        }
        now = target;
    }

    private void run(Runnable task) {
        queue.add(task);
        if (draining) {
            return;
        }
        draining = true;
        try {
            Runnable next;
            while ((next = queue.poll()) != null) {
                next.run();
            }
        } finally {
            draining = false;
        }
    }
}
