package dev.mcu.transport;

import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpMasterKey;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Plain RTP/RTCP over UDP for one call: for each media kind it was made for an RTP socket on an even
 * port and an RTCP socket on the next one (a kind without sockets has port 0 and stays off), all on one Netty event loop, so receive-side state needs no locks.
 * See {@link MediaTransport} for the contract and {@link RemoteLatch} for where packets go.
 *
 * <p>Created by {@link UdpMediaTransportFactory}, which bound the channels; this class owns them
 * from then on.
 *
 * <p>Threads: sends, {@link #configure} and {@link #feedProgram} from any thread; receiving, RTCP
 * reports and keyframe requests on the call's event loop ({@link #loop}), the one thread that
 * touches the endpoints' receive-side state. {@link #feedProgram} hands that loop over (a promoted
 * attendee moves to the contributors' loops): on the old loop the RTCP task is cancelled and every
 * socket deregistered; once all are, still on the old loop, they are registered with the new one
 * and {@link #loop} changes; on the new loop the RTCP task starts again. So the old loop's last
 * read happens before the new loop's first, and a task meant for the loop that finds it changed
 * hops to the new one ({@link #onLoop}).
 */
public final class UdpMediaTransport implements MediaTransport {
    private static final Logger log = LoggerFactory.getLogger(UdpMediaTransport.class);
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
    private final EventLoopGroup mediaLoops;                                // borrowed: calls that do not feed the program
    private final EventLoopGroup contributorLoops;                          // borrowed: calls that feed a webinar's program
    /** The loop serving every socket of this call; written only by the move, on the old loop. */
    private volatile EventLoop loop;                                        // borrowed from one of the groups
    private final Map<MediaKind, PortPair> ports;                           // owned: closed in close()
    private final Map<MediaKind, MediaEndpoint> endpoints = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, ChannelOutput> outputs = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, SrtpMasterKey> localKeys = new EnumMap<>(MediaKind.class);   // guarded by this
    private final Map<MediaKind, SrtpMasterKey> remoteKeys = new EnumMap<>(MediaKind.class);  // guarded by this
    private volatile ScheduledFuture<?> reportTask;                         // owned: cancelled in close() and by a move
    private boolean feedsProgram;                                           // guarded by this: where the last move went
    private CompletableFuture<Void> moves;                                  // guarded by this: the last move asked for
    private final KeyframeRequestLimiter keyframeLimiter =
            new KeyframeRequestLimiter(KEYFRAME_REQUEST_INTERVAL_NANOS);
    private final Consumer<UdpMediaTransport> onClosed;   // the factory frees the ports
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> bound;                           // every pair's sockets bound
    private final long rtcpIntervalMillis;

    /**
     * @param loop             the loop the factory bound {@code ports} on: one of {@code feedsProgram ?
     *                         contributorLoops : mediaLoops}
     * @param mediaLoops       borrowed: where the sockets go when the call stops feeding the program
     * @param contributorLoops borrowed: where they go when it starts (the same group: nothing ever moves)
     */
    UdpMediaTransport(String callId, InetAddress signallingSource, UdpTransportConfig config, EventLoop loop,
                      EventLoopGroup mediaLoops, EventLoopGroup contributorLoops, boolean feedsProgram,
                      Map<MediaKind, PortPair> ports, String cname,
                      Consumer<UdpMediaTransport> onClosed) {
        this.signallingSource = signallingSource;
        this.trustAnySdpAddress = config.allowSdpAddressesOutsideSignallingHost();
        this.loop = loop;
        this.mediaLoops = mediaLoops;
        this.contributorLoops = contributorLoops;
        this.feedsProgram = feedsProgram;
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
        // a move waits for the binds (epoll binds on the loop): a channel is moved once it is bound
        this.moves = bound.handle((ok, failed) -> null);
        this.rtcpIntervalMillis = config.rtcpIntervalMillis();
        this.reportTask = loop.scheduleAtFixedRate(this::sendReports, rtcpIntervalMillis, rtcpIntervalMillis,
                TimeUnit.MILLISECONDS);
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
        onLoop(video::sendKeyframeRequest);
    }

    /** Runs {@code task} on the call's loop; a task that finds the call moved meanwhile follows it. */
    private void onLoop(Runnable task) {
        EventLoop current = loop;
        current.execute(() -> {
            if (loop == current) {
                task.run();
            } else {
                onLoop(task);
            }
        });
    }

    @Override
    public synchronized CompletionStage<Void> feedProgram(boolean feeds) {
        if (feeds != feedsProgram && mediaLoops != contributorLoops && !closed.get()) {
            feedsProgram = feeds;
            EventLoopGroup target = feeds ? contributorLoops : mediaLoops;
            moves = moves.handle((ok, failed) -> null).thenCompose(previous -> moveTo(target.next(), feeds));
        }
        return moves.copy();
    }

    /**
     * Moves every socket to {@code target} (see the class comment for the order). A socket closed
     * meanwhile is left closed; the stage fails only when a loop refuses the move (shutting down).
     */
    private CompletableFuture<Void> moveTo(EventLoop target, boolean feeds) {
        CompletableFuture<Void> moved = new CompletableFuture<>();
        EventLoop from = loop;
        if (closed.get() || from == target) {
            moved.complete(null);
            return moved;
        }
        List<Channel> channels = new ArrayList<>();
        for (PortPair pair : ports.values()) {
            channels.add(pair.rtp());
            channels.add(pair.rtcp());
        }
        try {
            from.execute(() -> {
                reportTask.cancel(false);
                AtomicInteger deregistering = new AtomicInteger(channels.size());
                for (Channel channel : channels) {
                    // completes on this loop (Netty runs the deregistration as a later task of it)
                    channel.deregister().addListener(done -> {
                        if (deregistering.decrementAndGet() == 0) {
                            registerAll(channels, target, feeds, moved);
                        }
                    });
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            moved.completeExceptionally(shuttingDown);
        }
        return moved;
    }

    /** On the old loop, every socket deregistered: registers them with {@code target}, then the call's loop is it. */
    private void registerAll(List<Channel> channels, EventLoop target, boolean feeds, CompletableFuture<Void> moved) {
        AtomicInteger registering = new AtomicInteger(channels.size());
        Runnable onTarget = () -> {
            if (registering.decrementAndGet() == 0) {
                startReports(target);
                log.debug("{}: sockets moved to {} ({})", channels.get(0).localAddress(), Thread.currentThread().getName(),
                        feeds ? "it feeds the program now" : "it no longer feeds the program");
                moved.complete(null);
            }
        };
        for (Channel channel : channels) {
            if (!channel.isOpen()) {
                target.execute(onTarget);    // closed meanwhile (the call ended): nothing to register
                continue;
            }
            target.register(channel).addListener(done -> {
                if (!done.isSuccess() && channel.isOpen()) {
                    log.warn("A socket of a {} call ({}) could not join its new event loop, so nothing reads it: {}",
                            feeds ? "promoted" : "demoted", channel.localAddress(), done.cause().toString());
                }
                onTarget.run();
            });
        }
        loop = target;
    }

    /** On the call's loop: RTCP reports every interval, unless the call closed meanwhile. */
    private void startReports(EventLoop target) {
        reportTask = target.scheduleAtFixedRate(this::sendReports, rtcpIntervalMillis, rtcpIntervalMillis,
                TimeUnit.MILLISECONDS);
        if (closed.get()) {
            reportTask.cancel(false);   // close() may have cancelled the previous one only
        }
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
