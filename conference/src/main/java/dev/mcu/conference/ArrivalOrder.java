package dev.mcu.conference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands members' entries to the room's lane in the order they arrived. Each entry is built (its
 * codecs opened) on its caller's thread, and SIP calls start on several threads at once: a build
 * that takes longer (the first Opus or H.264 codecs of the process, a busy CPU) must not let a
 * later arrival overtake it onto the lane, where joining order decides the layout's order of tiles.
 * A built entry waits, off the lane, until every entry before it is built.
 *
 * <p>Threads: any thread; the lane runs the entries.
 */
final class ArrivalOrder {
    private final Executor lane;                              // borrowed
    private final Queue<Place> waiting = new ArrayDeque<>(); // guarded by this, oldest first

    /** One arrival's place in line; {@link #ready} fills it. */
    static final class Place {
        private Runnable enter;        // guarded by the ArrivalOrder, null until built
        private Runnable ifRejected;   // guarded by the ArrivalOrder
    }

    ArrivalOrder(Executor lane) {
        this.lane = lane;
    }

    /** Takes the next place in line, before building: the order of these calls is the order of entry. */
    synchronized Place arrive() {
        Place place = new Place();
        waiting.add(place);
        return place;
    }

    /**
     * The entry at {@code place} is built: puts it, and every built entry behind it, on the lane unless
     * an earlier one is still building. {@code ifRejected} runs (on this thread) when the lane is gone.
     */
    void ready(Place place, Runnable enter, Runnable ifRejected) {
        List<Runnable> rejected = new ArrayList<>();
        synchronized (this) {
            place.enter = enter;
            place.ifRejected = ifRejected;
            // Under the lock, so that two threads releasing entries cannot interleave on the lane.
            while (!waiting.isEmpty() && waiting.peek().enter != null) {
                Place next = waiting.poll();
                try {
                    lane.execute(next.enter);
                } catch (RejectedExecutionException closed) {
                    rejected.add(next.ifRejected);
                }
            }
        }
        rejected.forEach(Runnable::run); // hangs up: outside the lock
    }

    /** The entry at {@code place} will not be built (its build failed): the ones behind it go on. */
    void abandon(Place place) {
        ready(place, () -> { }, () -> { });
    }
}
