package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates {@link UdpMediaTransport}s: binds an even RTP port and RTP+1 for RTCP per media kind the
 * call's offer has (every kind for an INVITE without one), all up front, so an answer with or
 * without rtcp-mux works. One per server.
 *
 * <p>Threads: the transports run on the borrowed event loop groups (the application creates them with
 * the {@link IoEngine} of {@code media.ioEngine} and shuts them down after this factory); their sockets
 * are that engine's. Calls that feed a webinar's program get a loop of the contributors' group, every
 * other call one of the media group: an event loop reads its sockets only between task batches, and
 * with thousands of attendees those batches are all sends, so a speaker sharing their loop lost
 * datagrams to a full socket buffer (docs/benchmarks.md, "the speakers' input under overload"). An
 * attendee promoted later moves there, and back when demoted ({@link MediaTransport#feedProgram}).
 * {@link #create} binds synchronously: call it from a SIP thread, never from one of those event
 * loops. With NIO the sockets are bound on the calling thread and handed to the event loop without
 * waiting for it: a loop busy with other calls' RTP never holds up an INVITE's answer (datagrams
 * that come first wait in the socket's buffer). With epoll or io_uring the port is found free here
 * (a probe socket) and the event loop binds it soon after; {@link MediaTransport#bound} completes
 * then, and whoever answers with the ports waits for that, not this thread.
 */
public final class UdpMediaTransportFactory implements MediaTransportFactory {
    private static final Logger log = LoggerFactory.getLogger(UdpMediaTransportFactory.class);
    /** Sockets a call holds at most: RTP and RTCP for each media kind (an audio-only call half of it). */
    public static final int SOCKETS_PER_CALL = 2 * MediaKind.values().length;
    /** Files the rest of the server keeps open (jars, logs, SIP, HTTP, event loops' epoll): a generous guess. */
    private static final int FILES_BESIDES_CALLS = 512;

    private final UdpTransportConfig config;
    private final EventLoopGroup group;                         // borrowed: the application's media event loops
    private final EventLoopGroup contributors;                  // borrowed: the loops of calls that feed the program
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    private final IoEngine engine;                              // the group's: its sockets are this engine's
    private final PortAllocator ports;
    private final Set<UdpMediaTransport> open = ConcurrentHashMap.newKeySet();  // closed in close()

    /** @param group borrowed: the event loops every transport of this factory runs on */
    public UdpMediaTransportFactory(UdpTransportConfig config, EventLoopGroup group) {
        this(config, group, group);
    }

    /**
     * @param group        borrowed: the event loops of the calls that do not feed the program (a
     *                     webinar's attendees; every call of a meeting)
     * @param contributors borrowed: the event loops of calls that feed a webinar's program (see
     *                     {@link MediaTransportFactory#create(String, InetAddress, Set, boolean)}); the
     *                     same engine as {@code group}, since one channel factory serves both
     */
    public UdpMediaTransportFactory(UdpTransportConfig config, EventLoopGroup group, EventLoopGroup contributors) {
        this.config = config;
        this.group = group;
        this.contributors = contributors;
        this.engine = IoEngine.of(group);
        if (IoEngine.of(contributors) != engine) {
            throw new IllegalArgumentException("the contributors' event loops run " + IoEngine.of(contributors).setting()
                    + ", the media event loops " + engine.setting() + ": give both the same engine");
        }
        this.channelFactory = engine.datagramChannels();
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        log.info("RTP on {} ports {}-{}, {} event loops", config.bindAddress().getHostAddress(), config.portMin(),
                config.portMax(), engine.setting());
        if (group != contributors && !movesBetweenLoops()) {
            log.info("On {} a webinar attendee promoted to speaker keeps its sockets on the attendees' event loops"
                    + " (Netty's {} channels cannot move between loops): under overload its voice can be lost;"
                    + " media.ioEngine: epoll moves it to the speakers' loop", engine.setting(), engine.setting());
        }
    }

    /**
     * Warns when {@code maxCalls} calls would need more sockets than this process may open: past the
     * limit every further call is refused with 503 although ports are free.
     */
    public void warnIfOpenFilesShort(int maxCalls) {
        long limit = OpenFiles.limit();
        long calls = Math.min(maxCalls, ports.pairs() / MediaKind.values().length);
        long needed = calls * SOCKETS_PER_CALL + FILES_BESIDES_CALLS;
        if (limit > 0 && needed > limit) {
            long fit = Math.max(0, (limit - FILES_BESIDES_CALLS) / SOCKETS_PER_CALL);
            log.warn("This process may open {} files, but {} calls with audio and video need about {} ({} sockets each,"
                    + " audio-only calls half): past about {} such calls ({} audio-only) calls are refused with 503."
                    + " Raise the limit (systemd LimitNOFILE=, docker run --ulimit nofile=, ulimit -n) or lower"
                    + " rooms.maxCalls", limit, calls, needed, SOCKETS_PER_CALL, fit, 2 * fit);
        }
    }

    @Override
    public MediaTransport create(String callId, InetAddress signallingSource) throws IOException {
        return create(callId, signallingSource, EnumSet.allOf(MediaKind.class));
    }

    @Override
    public MediaTransport create(String callId, InetAddress signallingSource, Set<MediaKind> kinds) throws IOException {
        return create(callId, signallingSource, kinds, false);
    }

    @Override
    public MediaTransport create(String callId, InetAddress signallingSource, Set<MediaKind> kinds, boolean contributes)
            throws IOException {
        EventLoop loop = (contributes ? contributors : group).next();
        Map<MediaKind, UdpMediaTransport.PortPair> bound = new EnumMap<>(MediaKind.class);
        try {
            for (MediaKind kind : kinds) {
                bound.put(kind, ports.allocate(port -> bindPair(loop, port)));
            }
        } catch (IOException exhausted) {
            log.warn("call {}: {}", callId, exhausted.getMessage());
            release(bound);
            throw exhausted;
        }
        String cname = "mcu-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        UdpMediaTransport transport = new UdpMediaTransport(callId, signallingSource, config, loop, group,
                movesBetweenLoops() ? contributors : group, contributes, bound, cname, this::onTransportClosed);
        open.add(transport);
        return transport;
    }

    /**
     * Whether a promoted or demoted call moves its sockets to the other group: not on io_uring, whose
     * channels in Netty 4.2.18 never complete a deregistration (the ring's pending receive is not
     * given up), so a moved socket could be read by two loops; there a promoted attendee stays put.
     */
    private boolean movesBetweenLoops() {
        return group != contributors && engine != IoEngine.IO_URING;
    }

    private void onTransportClosed(UdpMediaTransport transport) {
        for (MediaKind kind : MediaKind.values()) {
            if (transport.localPort(kind) != 0) {
                ports.release(transport.localPort(kind));
            }
        }
        open.remove(transport);
    }

    /** Handlers are created per attempt: a Netty handler that is not @Sharable joins one pipeline only. */
    private UdpMediaTransport.PortPair bindPair(EventLoop loop, int port) throws IOException {
        DatagramReceiver rtpReceiver = new DatagramReceiver(false);
        DatagramReceiver rtcpReceiver = new DatagramReceiver(true);
        if (engine.isNative()) {
            // Both ports are checked before either socket is made: an RTCP port found busy after the
            // RTP channel exists meant closing that channel, and its close runs on the event loop
            // (a jstack at 150 calls/s had an INVITE worker waiting there: other programs' sockets
            // take odd ports of the range too).
            probeFree(port);
            probeFree(port + 1);
        }
        ChannelFuture rtp = bind(loop, port, rtpReceiver);
        try {
            ChannelFuture rtcp = bind(loop, port + 1, rtcpReceiver);
            return new UdpMediaTransport.PortPair(port, rtp.channel(), rtpReceiver, rtcp.channel(), rtcpReceiver,
                    bothBound(port, rtp, rtcp));
        } catch (IOException busy) {
            // Not awaited (the loop closes it): the allocator hands this port out again only after
            // going round the whole range.
            rtp.channel().close();
            throw busy;
        }
    }

    /** Completes when both binds succeeded; fails with the first failure, naming its port. */
    private static CompletableFuture<Void> bothBound(int port, ChannelFuture rtp, ChannelFuture rtcp) {
        CompletableFuture<Void> both = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(2);
        for (ChannelFuture bind : List.of(rtp, rtcp)) {
            int which = bind == rtp ? port : port + 1;
            bind.addListener(done -> {
                if (!done.isSuccess()) {
                    both.completeExceptionally(new IOException("UDP port " + which + " could not be bound: "
                            + done.cause(), done.cause()));
                } else if (pending.decrementAndGet() == 0) {
                    both.complete(null);
                }
            });
        }
        return both;
    }

    /**
     * Opens and binds one socket. The returned future completes when it is bound: at once with NIO,
     * which binds on this thread; with epoll or io_uring when the event loop has run the bind.
     */
    private ChannelFuture bind(EventLoop loop, int port, DatagramReceiver receiver) throws IOException {
        if (!engine.isNative()) {
            return bindHere(loop, port, receiver).newSucceededFuture();
        }
        // Epoll and io_uring bind their native socket on the event loop. Whether the port is free is
        // found out here, at once, so a busy port still moves on to the next; the bind itself is not
        // waited for here:
        // the INVITE thread must not wait on a loop busy with every call's RTP (at 100 calls/s that
        // wait turned 300 of 1,000 sipp calls into 503s). The answer waits for it instead, without a
        // thread (MediaTransport.bound). The port was probed free by bindPair.
        ChannelFuture future = new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                // one byte more than allowed, so an oversize datagram shows as such instead of being cut
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxPacketSize() + 1))
                .handler(receiver)
                .bind(new InetSocketAddress(config.bindAddress(), port));
        if (future.isDone() && !future.isSuccess()) {
            // The native socket could not even be created (its future then holds a stand-in channel
            // that never sends): with EMFILE the probe's file descriptor went to another call meanwhile.
            future.channel().close();
            throw OpenFiles.exhausted(future.cause()) ? OpenFiles.limitReached(port, future.cause())
                    : new IOException("cannot open UDP " + port, future.cause());
        }
        future.addListener(done -> {
            // A channel closed before its bind ran was given up by us (its call ended, or its pair's
            // other port was busy): not a failure.
            if (!done.isSuccess() && !(done.cause() instanceof java.nio.channels.ClosedChannelException)) {
                log.warn("UDP port {} was free a moment ago but could not be bound ({}): the call given it is refused;"
                        + " another program is taking ports from media.portMin..portMax", port,
                        done.cause().toString());
            }
        });
        return future;
    }

    /** Throws when {@code port} is taken (a plain socket bound and closed on this thread). */
    private void probeFree(int port) throws IOException {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(config.bindAddress(), port));
        } catch (IOException | RuntimeException busy) {
            throw OpenFiles.exhausted(busy) ? OpenFiles.limitReached(port, busy) : new IOException("cannot bind UDP " + port, busy);
        }
    }

    /** Binds on this thread (a busy port fails here, at once) and registers with the loop without waiting. */
    private Channel bindHere(EventLoop loop, int port, DatagramReceiver receiver) throws IOException {
        java.nio.channels.DatagramChannel socket;
        try {
            socket = java.nio.channels.DatagramChannel.open();
        } catch (IOException noSocket) {
            throw OpenFiles.exhausted(noSocket) ? OpenFiles.limitReached(port, noSocket) : noSocket;
        }
        try {
            socket.bind(new InetSocketAddress(config.bindAddress(), port));
        } catch (IOException | RuntimeException busy) {
            socket.close();
            throw OpenFiles.exhausted(busy) ? OpenFiles.limitReached(port, busy) : new IOException("cannot bind UDP " + port, busy);
        }
        ChannelFuture registered = new Bootstrap()
                .group(loop)
                .channelFactory(() -> new NioDatagramChannel(socket))
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxPacketSize() + 1))
                .handler(receiver)
                .register();
        registered.addListener(done -> {
            if (!done.isSuccess()) {
                log.warn("UDP port {} could not join its event loop: {}", port, done.cause().toString());
                registered.channel().close();
            }
        });
        return registered.channel();
    }

    /** Closes the pairs of a call that could not get all its ports; each is free again once closed (not waited for). */
    private void release(Map<MediaKind, UdpMediaTransport.PortPair> bound) {
        for (UdpMediaTransport.PortPair pair : bound.values()) {
            pair.rtp().close();
            pair.rtcp().close().addListener(closed -> ports.release(pair.rtpPort()));
        }
    }

    /** Ports currently held by open transports (for tests and the admin page). */
    int portPairsInUse() {
        return ports.inUseCount();
    }

    /** Closes every transport still open; the event loops are the application's to stop. */
    @Override
    public void close() {
        for (UdpMediaTransport transport : open) {
            transport.close();
        }
    }
}
