package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One call's lifecycle events (started, updated, ended), run in the order they were queued and one
 * at a time, on the server's shared call-events pool: the application never sees a call end before
 * it has finished seeing it start, whichever SIP or media thread ended it. A task that throws is
 * logged and the next one still runs.
 *
 * <p>Threads: {@link #execute} from any thread; tasks on a thread of the borrowed pool.
 */
final class CallEventQueue implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CallEventQueue.class);

    private final String callId;
    private final Executor pool;                       // borrowed
    private final Queue<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean draining;                          // guarded by this

    CallEventQueue(String callId, Executor pool) {
        this.callId = callId;
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The server is stopping: run here rather than lose an end-of-call the application counts on.
            drain();
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("call {}: the application failed to handle a call event: {}", callId, e.toString(), e);
            }
        }
    }
}
