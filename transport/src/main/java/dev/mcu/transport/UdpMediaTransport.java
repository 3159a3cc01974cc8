package dev.mcu.transport;

import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpMasterKey;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Plain RTP/RTCP over UDP for one call: for each media kind it was made for an RTP socket on an even
 * port and an RTCP socket on the next one (a kind without sockets has port 0 and stays off), all on one Netty event loop, so receive-side state needs no locks.
 * See {@link MediaTransport} for the contract and {@link RemoteLatch} for where packets go.
 *
 * <p>Created by {@link UdpMediaTransportFactory}, which bound the channels; this class owns them
 * from then on.
 */
public final class UdpMediaTransport implements MediaTransport {
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 500_000_000L;

    /**
     * One kind's sockets, the even RTP port and RTCP on port + 1, with their handlers; {@code bound}
     * completes when both are bound (an event loop may bind them after the pair is made).
     */
    record PortPair(int rtpPort, Channel rtp, DatagramReceiver rtpReceiver, Channel rtcp,
                    DatagramReceiver rtcpReceiver, CompletableFuture<Void> bound) {
    }

    private final InetAddress signallingSource;
    private final boolean trustAnySdpAddress;
    private final EventLoop loop;                                           // borrowed from the factory
    private final Map<MediaKind, PortPair> ports;                           // owned: closed in close()
    private final Map<MediaKind, MediaEndpoint> endpoints = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, ChannelOutput> outputs = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, SrtpMasterKey> localKeys = new EnumMap<>(MediaKind.class);   // guarded by this
    private final Map<MediaKind, SrtpMasterKey> remoteKeys = new EnumMap<>(MediaKind.class);  // guarded by this
    private final ScheduledFuture<?> reportTask;                            // owned: cancelled in close()
    private final KeyframeRequestLimiter keyframeLimiter =
            new KeyframeRequestLimiter(KEYFRAME_REQUEST_INTERVAL_NANOS);
    private final Consumer<UdpMediaTransport> onClosed;   // the factory frees the ports
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> bound;                           // every pair's sockets bound

    UdpMediaTransport(String callId, InetAddress signallingSource, UdpTransportConfig config, EventLoop loop,
                      Map<MediaKind, PortPair> ports, String cname,
                      Consumer<UdpMediaTransport> onClosed) {
        this.signallingSource = signallingSource;
        this.trustAnySdpAddress = config.allowSdpAddressesOutsideSignallingHost();
        this.loop = loop;
        this.ports = new EnumMap<>(ports);
        this.onClosed = onClosed;
        for (MediaKind kind : MediaKind.values()) {
            PortPair pair = ports.get(kind);
            if (pair == null) {
                // no sockets: the SDP gives this kind port 0, and nothing is ever configured to send on it
                endpoints.put(kind, new MediaEndpoint(callId, kind, NO_SOCKETS, config.maxPacketSize(), cname, -1));
                continue;
            }
            ChannelOutput output = new ChannelOutput(pair.rtp(), pair.rtcp());
            outputs.put(kind, output);
            MediaEndpoint endpoint = new MediaEndpoint(callId, kind, output, config.maxPacketSize(), cname, -1);
            endpoints.put(kind, endpoint);
            pair.rtpReceiver().attach(endpoint);
            pair.rtcpReceiver().attach(endpoint);
        }
        this.bound = CompletableFuture.allOf(ports.values().stream().map(PortPair::bound)
                .toArray(CompletableFuture[]::new));
        long interval = config.rtcpIntervalMillis();
        this.reportTask = loop.scheduleAtFixedRate(this::sendReports, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The output of a kind the call has no sockets for: what reaches it goes nowhere. */
    private static final PacketOutput NO_SOCKETS = new PacketOutput() {
        @Override
        public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
        }

        @Override
        public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        }
    };

    /** The kind's RTP port, 0 when the call has no sockets for it (its offer had no such media). */
    @Override
    public int localPort(MediaKind kind) {
        PortPair pair = ports.get(kind);
        return pair == null ? 0 : pair.rtpPort();
    }

    /** When every socket is bound; see {@link MediaTransport#bound}. A copy: callers cannot complete it. */
    @Override
    public CompletionStage<Void> bound() {
        return bound.copy();
    }

    @Override
    public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) {
        if (!ports.containsKey(stream.kind())) {
            return; // refused with port 0 in our SDP: stays off
        }
        endpoints.get(stream.kind()).configure(stream, remoteRtp, rtcpMux, isTrusted(remoteRtp));
    }

    @Override
    public synchronized void keySrtp(MediaKind kind, SrtpMasterKey local, SrtpMasterKey remote) {
        if (!ports.containsKey(kind)) {
            return;
        }
        if (!remote.equals(remoteKeys.get(kind))) {
            SrtpContext inbound = remote.newContext();
            PortPair pair = ports.get(kind);
            pair.rtpReceiver().unprotectWith(inbound);
            pair.rtcpReceiver().unprotectWith(inbound);
            remoteKeys.put(kind, remote);
        }
        if (!local.equals(localKeys.get(kind))) {
            outputs.get(kind).protectWith(local.newContext());
            localKeys.put(kind, local);
        }
    }

    /** The anti-reflection rule of {@link MediaTransportFactory}. */
    private boolean isTrusted(InetSocketAddress sdpAddress) {
        if (sdpAddress == null || sdpAddress.isUnresolved() || sdpAddress.getPort() == 0
                || sdpAddress.getAddress().isAnyLocalAddress()) {
            return false;
        }
        return trustAnySdpAddress || sdpAddress.getAddress().equals(signallingSource);
    }

    @Override
    public void disable(MediaKind kind) {
        endpoints.get(kind).disable();
    }

    @Override
    public void setListener(MediaListener listener) {
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.setListener(listener);
        }
    }

    @Override
    public void sendRtp(MediaKind kind, byte[] packet) {
        endpoints.get(kind).sendRtp(packet);
    }

    @Override
    public void requestKeyframe() {
        MediaEndpoint video = endpoints.get(MediaKind.VIDEO);
        if (!keyframeLimiter.tryAcquire(System.nanoTime())) {
            video.counters().keyframeRequestsSuppressed.increment();
            return;
        }
        loop.execute(video::sendKeyframeRequest);
    }

    @Override
    public Optional<InetSocketAddress> latchedRemote(MediaKind kind) {
        return Optional.ofNullable(endpoints.get(kind).latchedRemote());
    }

    @Override
    public TransportStats stats(MediaKind kind) {
        return endpoints.get(kind).stats();
    }

    /** The remote's last REMB estimate for a kind in bits/s, 0 when it sent none. */
    public long remoteBitrateEstimateBps(MediaKind kind) {
        return endpoints.get(kind).counters().remoteBitrateEstimateBps;
    }

    private void sendReports() {
        long now = System.nanoTime();
        long wallClock = System.currentTimeMillis();
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.sendReport(now, wallClock);
        }
    }

    /**
     * Cancels the RTCP task and closes the sockets. Waits for them to close unless called on the
     * event loop, so the ports are free again when this returns from any other thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reportTask.cancel(false);
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.disable();
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (PortPair pair : ports.values()) {
            closing.add(pair.rtcp().close());
            closing.add(pair.rtp().close());
        }
        if (loop.inEventLoop()) {
            closing.get(closing.size() - 1).addListener(f -> onClosed.accept(this));
            return;
        }
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly();
        }
        onClosed.accept(this);
    }
}
