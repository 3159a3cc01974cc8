package dev.mcu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Datagrams written from outside their channel's event loop, handed to the loop in batches: one
 * task per event loop for all the packets queued since its last batch, each channel flushed once
 * per batch. A room thread sending one round to 1,000 attendees used to make 1,000 write-and-flush
 * tasks (each a queue hand-over, often a wake-up of the loop, and a pipeline pass with its own
 * flush); now it makes at most one per loop, and a shared socket (WebRTC's one port) gets all the
 * round's packets in one flush, which a native transport can send with one {@code sendmmsg}.
 * Packets keep their order per channel. Written on the event loop itself, a packet goes out at
 * once, as before. A packet still queued {@link #MAX_AGE_NANOS} after it was written is dropped
 * and counted ({@link #droppedLate()}) instead of sent: a loop that cannot keep up (more attendees
 * than CPU) then stays a bounded time behind instead of queueing without end, which had grown the
 * heap by gigabytes, made every attendee's audio seconds late, and kept the loop from reading the
 * speakers' sockets (their packets overflowed the receive buffers, so nobody heard them).
 *
 * <p>A producer that sends one round to several receivers (a room's 20 ms of audio, one encoded
 * frame) holds its batches in a {@link #round()} until the round is made: each loop is then woken
 * once for the round, not once per packet that happened to find its loop idle (a loop often ran the
 * batch with the first receiver's packet before the next one was encoded: up to four wake-ups a
 * round in a four-party room, each a dear {@code epoll_wait} return on a virtual machine).
 *
 * <p>Threads: {@link #write} from any thread; batches run on the channels' event loops; a round
 * belongs to the thread that began it. Takes ownership of every packet given to it: written, or
 * released when its loop is gone.
 */
public final class BatchedWrites {
    /** Packets written per batch at most (a round of 1,000 attendees fits in one). */
    static final int MAX_BATCH = 2048;
    /** A packet queued longer than this is no use to a live receiver: an audio jitter buffer has played past it. */
    static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Queued packets looked at per batch at most, dropped ones included (dropping costs little next to a send). */
    private static final int MAX_POLLS = 8 * MAX_BATCH;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger log = LoggerFactory.getLogger(BatchedWrites.class);
    private static final LongAdder DROPPED_LATE = new LongAdder();
    /** {@link #MAX_AGE_NANOS}; tests on a loaded machine may give more. */
    static volatile long maxAgeNanos = MAX_AGE_NANOS;
    private static final Map<EventLoop, LoopBatch> BATCHES = new ConcurrentHashMap<>();
    /** The round this thread is making, if any ({@link #round()}). */
    private static final ThreadLocal<Round> ROUND = new ThreadLocal<>();

    private BatchedWrites() {
    }

    /** Packets dropped because they were still queued {@link #MAX_AGE_NANOS} after they were written, since start. */
    public static long droppedLate() {
        return DROPPED_LATE.sum();
    }

    /** Writes and flushes {@code packet} on {@code channel}, at once on its event loop, else in the loop's next batch. */
    public static void write(Channel channel, DatagramPacket packet) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            channel.writeAndFlush(packet, channel.voidPromise());
            return;
        }
        LoopBatch batch = BATCHES.get(loop);
        if (batch == null) {
            LoopBatch fresh = new LoopBatch(loop);
            batch = BATCHES.putIfAbsent(loop, fresh);
            if (batch == null) {
                batch = fresh;
                // A loop that ends takes its batch with it (tests start and stop many loops).
                loop.terminationFuture().addListener(f -> {
                    BATCHES.remove(loop, fresh);
                    fresh.releaseAll();
                });
            }
        }
        batch.add(channel, packet);
    }

    /**
     * Begins (or joins) this thread's round: packets it writes from now on wait in their loops'
     * queues until the round is closed, then each loop gets one batch for them. Rounds nest; the
     * outermost close sends. Close it on this thread, in a {@code finally} (try-with-resources):
     * held packets would otherwise wait for the next write to their loop, or age out.
     */
    public static Round round() {
        Round round = ROUND.get();
        if (round == null) {
            round = new Round();
            ROUND.set(round);
        }
        round.depth++;
        return round;
    }

    /** One thread's round of writes ({@link #round()}); not for other threads. */
    public static final class Round implements AutoCloseable {
        private final List<LoopBatch> held = new ArrayList<>(4);
        private int depth;

        private Round() {
        }

        private boolean holding() {
            return depth > 0;
        }

        private void hold(LoopBatch batch) {
            if (!held.contains(batch)) {
                held.add(batch);
            }
        }

        /** Ends this level of the round; the outermost end schedules each held loop's batch once. */
        @Override
        public void close() {
            if (depth == 0) {
                throw new IllegalStateException("this round was closed already");
            }
            if (--depth > 0) {
                return;
            }
            for (int i = 0, n = held.size(); i < n; i++) {
                held.get(i).schedule();
            }
            held.clear();
        }
    }

    private record Pending(Channel channel, DatagramPacket packet, long queuedNanos) {
    }

    /** The packets waiting for one event loop. */
    private static final class LoopBatch implements Runnable {
        private final EventLoop loop;
        private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final List<Channel> written = new ArrayList<>();  // event loop only
        private long droppedSinceWarning;                         // event loop only
        private long lastWarningNanos;                            // event loop only
        // The queue has one consumer at a time: run() on the loop, or releaseAll() once the loop is
        // shutting down (its last pass of tasks may still run then); both hold this batch's lock.

        LoopBatch(EventLoop loop) {
            this.loop = loop;
        }

        void add(Channel channel, DatagramPacket packet) {
            queue.offer(new Pending(channel, packet, System.nanoTime()));
            Round round = ROUND.get();
            if (round != null && round.holding()) {
                round.hold(this);
                return;
            }
            schedule();
        }

        void schedule() {
            if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
                try {
                    loop.execute(this);
                } catch (RejectedExecutionException shuttingDown) {
                    scheduled.set(false);
                    releaseAll();
                }
            }
        }

        /**
         * One batch: up to {@link #MAX_BATCH} queued packets written, then each channel written to
         * flushed once; packets queued too long are released on the way. The bound keeps a loop that
         * cannot keep up from writing forever without a flush (nothing would leave) and lets its
         * receives and other tasks run between batches.
         */
        @Override
        public synchronized void run() {
            scheduled.set(false); // a packet queued from here on schedules the next batch
            long now = System.nanoTime();
            long oldest = now - maxAgeNanos;
            Pending next;
            int budget = MAX_BATCH;
            int polls = MAX_POLLS;
            long dropped = 0;
            while (budget > 0 && polls-- > 0 && (next = queue.poll()) != null) {
                if (next.queuedNanos() - oldest < 0) {
                    next.packet().release();
                    dropped++;
                    continue;
                }
                budget--;
                Channel channel = next.channel();
                channel.write(next.packet(), channel.voidPromise());
                if (written.isEmpty() || written.get(written.size() - 1) != channel) {
                    written.add(channel);
                }
            }
            for (int i = 0, n = written.size(); i < n; i++) {
                written.get(i).flush();
            }
            written.clear();
            if (dropped > 0) {
                countLate(dropped, now);
            }
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.execute(this); // the rest in the next batch, after what else the loop has to do
            }
        }

        private void countLate(long dropped, long now) {
            DROPPED_LATE.add(dropped);
            droppedSinceWarning += dropped;
            if (lastWarningNanos == 0 || now - lastWarningNanos >= WARN_EVERY_NANOS) {
                log.warn("Media event loop {} fell behind: it dropped {} packets still unsent {} ms after their room sent"
                        + " them (since its last such warning; at most one every 10 s, all in mcu_media_packets_dropped_late)."
                        + " This server has more receivers than CPU to send to them: move attendees to another node, or"
                        + " give it more cores", Thread.currentThread().getName(), droppedSinceWarning, maxAgeNanos / 1_000_000);
                droppedSinceWarning = 0;
                lastWarningNanos = now;
            }
        }

        /** On the way out (the loop refused the batch or ended): the queue's only consumer then. */
        private synchronized void releaseAll() {
            Pending left;
            while ((left = queue.poll()) != null) {
                left.packet().release();
            }
        }
    }
}
