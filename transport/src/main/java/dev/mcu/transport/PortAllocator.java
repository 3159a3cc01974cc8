package dev.mcu.transport;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out even RTP ports (RTP+1 is the RTCP port) from a range, round robin so a just-freed port
 * is not reused at once (late packets of the old call would land in the new one). Ports bound by
 * other processes are found by trying: the binder's IOException means "busy, try the next", except
 * {@link OpenFiles.LimitReached}, which no other port would change.
 * Thread-safe; the lock is not held while binding.
 */
final class PortAllocator {
    interface Binder<T> {
        /** Binds {@code evenPort} and {@code evenPort + 1}; throws when either is taken. */
        T bind(int evenPort) throws IOException;
    }

    private final int firstEven;
    private final int lastEven;
    private final Set<Integer> inUse = new HashSet<>();
    private int cursor;

    PortAllocator(int portMin, int portMax) {
        this.firstEven = portMin + (portMin & 1);
        this.lastEven = (portMax - 1) & ~1;
        this.cursor = firstEven;
    }

    <T> T allocate(Binder<T> binder) throws IOException {
        int pairs = pairs();
        for (int i = 0; i < pairs; i++) {
            int port;
            synchronized (this) {
                port = cursor;
                cursor = cursor >= lastEven ? firstEven : cursor + 2;
                if (!inUse.add(port)) {
                    continue;
                }
            }
            try {
                return binder.bind(port);
            } catch (OpenFiles.LimitReached noSockets) {
                release(port); // every other port would fail the same way
                throw noSockets;
            } catch (IOException busy) {
                release(port);
            }
        }
        throw new IOException("no free RTP/RTCP port pair in " + firstEven + "-" + (lastEven + 1));
    }

    /** How many even/odd pairs the range holds. */
    int pairs() {
        return (lastEven - firstEven) / 2 + 1;
    }

    synchronized void release(int evenPort) {
        inUse.remove(evenPort);
    }

    synchronized int inUseCount() {
        return inUse.size();
    }
}
