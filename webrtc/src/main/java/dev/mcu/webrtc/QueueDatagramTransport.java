package dev.mcu.webrtc;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Bouncy Castle's blocking {@link org.bouncycastle.tls.DatagramTransport} on top of a bounded queue
 * of received datagrams and a send callback, so that a non-blocking channel (Netty) drives DTLS:
 * the socket thread calls {@link #offer}, BC's thread blocks in {@link #receive}, and whatever BC
 * sends goes to the callback as a fresh array. A full queue drops and counts.
 *
 * <p>Threads: {@link #offer} and {@link #close} from any thread; receive/send from the handshake
 * thread. Owns nothing that needs closing.
 */
final class QueueDatagramTransport implements org.bouncycastle.tls.DatagramTransport {
    /** Below the 1280-byte IPv6 minimum MTU once IP, UDP and a TURN relay's headers are added. */
    static final int SEND_LIMIT = 1200;
    static final int RECEIVE_LIMIT = 1500;
    private static final byte[] WAKE_UP = new byte[0];

    private final BlockingQueue<byte[]> received;
    private final Consumer<byte[]> sender; // borrowed: the caller's socket
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    QueueDatagramTransport(int capacity, Consumer<byte[]> sender) {
        this.received = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
    }

    /** Hands over one received datagram (copied); false and counted when the queue is full or closed. */
    boolean offer(byte[] datagram, int offset, int length) {
        if (closed || length > RECEIVE_LIMIT) {
            dropped.incrementAndGet();
            return false;
        }
        byte[] copy = new byte[length];
        System.arraycopy(datagram, offset, copy, 0, length);
        if (!received.offer(copy)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    /** Waits up to {@code waitMillis} for a datagram; -1 on timeout (BC then runs its retransmit timers). */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        byte[] datagram;
        try {
            datagram = received.poll(Math.max(waitMillis, 0), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for DTLS records");
        }
        if (closed) {
            throw new IOException("transport closed");
        }
        if (datagram == null || datagram == WAKE_UP) {
            return -1;
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        sender.accept(copy);
    }

    /** Wakes a blocked receive, which then fails: ends a handshake that is still running. */
    @Override
    public void close() {
        closed = true;
        received.clear();
        received.offer(WAKE_UP);
    }
}
