package dev.mcu.sip.testing;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import dev.mcu.transport.TransportStats;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport factory for signalling tests: each transport reserves real free UDP ports on
 * 127.0.0.1 (so SDP carries ports nobody else holds), records what the SIP layer configured, and
 * sends nothing. {@code capacity} transports at most may be open, then {@code create} fails like a
 * full port range.
 */
public final class FakeMediaTransportFactory implements MediaTransportFactory {
    private final int capacity;
    private final AtomicInteger open = new AtomicInteger();
    private final List<FakeTransport> created = new CopyOnWriteArrayList<>();

    public FakeMediaTransportFactory(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public MediaTransport create(String callId, InetAddress signallingSource) throws IOException {
        if (open.incrementAndGet() > capacity) {
            open.decrementAndGet();
            throw new IOException("all " + capacity + " port pairs are in use");
        }
        FakeTransport t = new FakeTransport(callId);
        created.add(t);
        return t;
    }

    public List<FakeTransport> created() {
        return created;
    }

    public int openTransports() {
        return open.get();
    }

    @Override
    public void close() {
        created.forEach(FakeTransport::close);
    }

    /** One configure call as the SIP layer made it. */
    public record Configured(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) {
    }

    public final class FakeTransport implements MediaTransport {
        public final String callId;
        private final Map<MediaKind, DatagramSocket> sockets = new EnumMap<>(MediaKind.class); // owned: closed in close()
        public final List<Configured> configured = new CopyOnWriteArrayList<>();
        public final List<MediaKind> disabled = new CopyOnWriteArrayList<>();
        public volatile MediaListener listener = MediaListener.NONE;
        private boolean closed;

        FakeTransport(String callId) throws IOException {
            this.callId = callId;
            for (MediaKind k : MediaKind.values()) {
                sockets.put(k, new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            }
        }

        @Override public int localPort(MediaKind kind) { return sockets.get(kind).getLocalPort(); }
        @Override public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) {
            configured.add(new Configured(stream, remoteRtp, rtcpMux));
        }
        @Override public void disable(MediaKind kind) { disabled.add(kind); }
        @Override public void setListener(MediaListener listener) { this.listener = listener; }
        @Override public void sendRtp(MediaKind kind, byte[] packet) { }
        @Override public void requestKeyframe() { }
        @Override public Optional<InetSocketAddress> latchedRemote(MediaKind kind) { return Optional.empty(); }
        @Override public TransportStats stats(MediaKind kind) {
            return new TransportStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        public synchronized boolean isClosed() {
            return closed;
        }

        /** The last configuration of a kind, or null. */
        public Configured last(MediaKind kind) {
            Configured last = null;
            for (Configured c : configured) {
                if (c.stream().kind() == kind) {
                    last = c;
                }
            }
            return last;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                sockets.values().forEach(DatagramSocket::close);
                open.decrementAndGet();
            }
        }
    }
}
