package dev.mcu.conference;

import dev.mcu.media.rtp.RtpPacket;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands packets from a transport's event loop to one stream's serial decode executor, never more
 * than {@code capacity} waiting: a decoder that falls behind loses (and counts) packets instead of
 * eating memory, and the event loop never waits.
 *
 * <p>Threads: {@link #offer} on the event loop; the consumer runs on the decode executor.
 * {@link #close} stops delivery: packets already queued are skipped, and the final task given to
 * {@link #closeThen} runs after the last of them, on the decode executor, so it may free what the
 * consumer used.
 */
final class DecodeQueue {
    private final Executor decodeExecutor;
    private final int capacity;
    private final Consumer<RtpPacket> consumer;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong droppedOverflow = new AtomicLong();
    private volatile boolean closed;

    private final Runnable onOverflow;

    DecodeQueue(Executor decodeExecutor, int capacity, Consumer<RtpPacket> consumer) {
        this(decodeExecutor, capacity, consumer, () -> { });
    }

    /** @param onOverflow told of every packet dropped because the queue is full (the offering thread) */
    DecodeQueue(Executor decodeExecutor, int capacity, Consumer<RtpPacket> consumer, Runnable onOverflow) {
        this.onOverflow = onOverflow;
        this.decodeExecutor = decodeExecutor;
        this.capacity = capacity;
        this.consumer = consumer;
    }

    void offer(RtpPacket packet) {
        if (closed) {
            return;
        }
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            droppedOverflow.incrementAndGet();
            onOverflow.run();
            return;
        }
        decodeExecutor.execute(() -> {
            pending.decrementAndGet();
            if (!closed) {
                consumer.accept(packet);
            }
        });
    }

    /** Packets waiting for the decoder now. */
    int depth() {
        return pending.get();
    }

    long droppedOverflow() {
        return droppedOverflow.get();
    }

    /** Stops delivery, then runs {@code release} on the decode executor after every queued task. */
    void closeThen(Runnable release) {
        closed = true;
        decodeExecutor.execute(release);
    }
}
