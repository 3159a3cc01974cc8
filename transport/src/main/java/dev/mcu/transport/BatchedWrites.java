package dev.mcu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.internal.PlatformDependent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Datagrams written from outside their channel's event loop, handed to the loop in batches: one
 * task per event loop for all the packets queued since its last batch, each channel flushed once
 * per batch. A room thread sending one round to 1,000 attendees used to make 1,000 write-and-flush
 * tasks (each a queue hand-over, often a wake-up of the loop, and a pipeline pass with its own
 * flush); now it makes at most one per loop, and a shared socket (WebRTC's one port) gets all the
 * round's packets in one flush, which a native transport can send with one {@code sendmmsg}.
 * Packets keep their order per channel. Written on the event loop itself, a packet goes out at
 * once, as before.
 *
 * <p>Threads: {@link #write} from any thread; batches run on the channels' event loops. Takes
 * ownership of every packet given to it: written, or released when its loop is gone.
 */
public final class BatchedWrites {
    /** Packets written per batch at most (a round of 1,000 attendees fits in one). */
    static final int MAX_BATCH = 2048;
    private static final Map<EventLoop, LoopBatch> BATCHES = new ConcurrentHashMap<>();

    private BatchedWrites() {
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

    private record Pending(Channel channel, DatagramPacket packet) {
    }

    /** The packets waiting for one event loop. */
    private static final class LoopBatch implements Runnable {
        private final EventLoop loop;
        private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final List<Channel> written = new ArrayList<>();  // event loop only
        // The queue has one consumer at a time: run() on the loop, or releaseAll() once the loop is
        // shutting down (its last pass of tasks may still run then); both hold this batch's lock.

        LoopBatch(EventLoop loop) {
            this.loop = loop;
        }

        void add(Channel channel, DatagramPacket packet) {
            queue.offer(new Pending(channel, packet));
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
         * flushed once. The bound keeps a loop that cannot keep up from writing forever without a
         * flush (nothing would leave) and lets its receives and other tasks run between batches.
         */
        @Override
        public synchronized void run() {
            scheduled.set(false); // a packet queued from here on schedules the next batch
            Pending next;
            int budget = MAX_BATCH;
            while (budget-- > 0 && (next = queue.poll()) != null) {
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
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.execute(this); // the rest in the next batch, after what else the loop has to do
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
