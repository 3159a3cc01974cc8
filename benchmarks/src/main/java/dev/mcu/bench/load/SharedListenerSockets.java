package dev.mcu.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The few sockets that all receive-only audio attendees (webinar and listen scenarios) name in
 * their SDP instead of one socket each, read with {@code recvmmsg} by one Netty epoll loop; a
 * packet is counted for the attendee whose call the server sends it from (the server's port in
 * that call's answer). 5,000 attendees with a socket each cost the benchmark's JVM two system calls
 * per packet (a read and the read that finds the socket empty) plus the selector's work, on the
 * same 2 cores as the server; here one call reads up to 16 datagrams (docs/benchmarks.md, "Issue 9,
 * session 12"). Production attendees sit on other machines, so what the generator saves is the
 * server's. The server cannot tell: each call still has its own socket and port on its side.
 * {@value #SOCKETS} sockets of {@value #RECEIVE_BUFFER_BYTES} bytes each, so a busy moment of the
 * benchmark's JVM overflows no buffer (the kernel's drops are counted in each run: {@link UdpDrops}).
 * {@code LISTENER_SOCKETS=own} gives every attendee its own socket again (as before, for comparison).
 *
 * <p>Threads: made and closed on the main thread; {@link #add} and {@link #remove} from the join
 * threads; the one event loop counts, and alone writes the attendees' receive statistics.
 */
final class SharedListenerSockets implements AutoCloseable {
    static final int SOCKETS = 16;
    /** The kernel caps it at net.core.rmem_max (4 MiB here). */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    private static final int DATAGRAMS_PER_READ = 16;

    private final MultiThreadIoEventLoopGroup loop;   // owned: shut down in close()
    private final List<Channel> channels = new ArrayList<>();
    private final Map<Integer, LoadParticipant> byServerPort = new ConcurrentHashMap<>();
    private final Map<Integer, Channel> byLocalPort = new ConcurrentHashMap<>();

    /** Whether to use them: Linux with epoll, unless {@code LISTENER_SOCKETS=own}. */
    static boolean wanted() {
        return !"own".equals(System.getenv("LISTENER_SOCKETS")) && Epoll.isAvailable();
    }

    SharedListenerSockets() throws InterruptedException {
        loop = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "load-rtp-rx-shared");
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048 * DATAGRAMS_PER_READ))
                .handler(new Counter());
        for (int i = 0; i < SOCKETS; i++) {
            Channel channel = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            channels.add(channel);
            byLocalPort.put(((InetSocketAddress) channel.localAddress()).getPort(), channel);
        }
        loop.scheduleAtFixedRate(this::sendReceiverReports, MediaPump.REPORT_PERIOD_SECONDS,
                MediaPump.REPORT_PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Each attendee's RTCP receiver report, from the socket it named, as {@link MediaPump} sends them (event loop). */
    private void sendReceiverReports() {
        for (LoadParticipant p : byServerPort.values()) {
            Channel channel = byLocalPort.get(p.sharedAudioPort);
            if (channel != null) {
                channel.write(new DatagramPacket(Unpooled.wrappedBuffer(MediaPump.receiverReport(p.audioSsrc)), p.remoteAudio));
            }
        }
        channels.forEach(Channel::flush);
    }

    /** The port the {@code n}th attendee names in its offer. */
    int port(int n) {
        return ((InetSocketAddress) channels.get(n % SOCKETS).localAddress()).getPort();
    }

    /** Counts from now on what the server sends from {@code p}'s call (after {@link LoadParticipant#start}). */
    void add(LoadParticipant p) {
        byServerPort.put(p.remoteAudio.getPort(), p);
    }

    void remove(LoadParticipant p) {
        if (p.remoteAudio != null) {
            byServerPort.remove(p.remoteAudio.getPort(), p);
        }
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** RTP of the attendee's payload type, counted as {@link MediaPump} counts its own sockets' packets. */
    @ChannelHandler.Sharable
    private final class Counter extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            LoadParticipant p = byServerPort.get(packet.sender().getPort());
            ByteBuf rtp = packet.content();
            int length = rtp.readableBytes();
            if (p == null || length < 12) {
                return;
            }
            int at = rtp.readerIndex();
            if ((rtp.getByte(at) & 0xc0) != 0x80 || (rtp.getByte(at + 1) & 0x7f) != p.audioPayloadType) {
                return;   // RTCP (muxed) or another payload type
            }
            p.audioIn.onPacket(rtp.getUnsignedShort(at + 2), length, (rtp.getByte(at + 1) & 0x80) != 0);
        }
    }
}
