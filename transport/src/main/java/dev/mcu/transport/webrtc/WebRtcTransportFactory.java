package dev.mcu.transport.webrtc;

import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import dev.mcu.transport.IoEngine;
import dev.mcu.webrtc.DtlsCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Creates {@link WebRtcTransport}s, all on ONE UDP port (one Netty socket on one event loop) and
 * with one DTLS certificate generated at start. One per server; the SIP layer uses it for
 * UDP/TLS/RTP/SAVPF offers. The constructor binds the port; {@link #create} binds nothing and never
 * blocks, so any thread may call it.
 *
 * <p>Threads: the socket runs on one event loop of the borrowed group; a transport's failure (ICE
 * consent lapsed, DTLS failed or closed by the browser) is reported on the borrowed failure executor,
 * never on the event loop. Owns the socket and the certificate; closes every transport still open
 * in {@link #close}.
 */
public final class WebRtcTransportFactory implements MediaTransportFactory {
    private static final Logger log = LoggerFactory.getLogger(WebRtcTransportFactory.class);

    private final WebRtcTransportConfig config;
    private final DtlsCertificate certificate;
    private final LongSupplier clockMillis;
    private final WebRtcThreads threads;                 // borrowed
    private final Channel channel;                       // owned: closed in close()
    private final DropCounters drops = new DropCounters();
    private final SharedPortDemux demux;
    private final Set<WebRtcTransport> open = ConcurrentHashMap.newKeySet();

    /**
     * Binds the shared port and generates a fresh certificate.
     *
     * @param threads borrowed: the event loops, DTLS session threads and failure executor
     */
    public WebRtcTransportFactory(WebRtcTransportConfig config, WebRtcThreads threads) throws IOException {
        this(config, DtlsCertificate.generate(), System::currentTimeMillis, threads);
    }

    /**
     * @param certificate our DTLS identity (e.g. {@link DtlsCertificate#fromPem} of a stored one)
     * @param clockMillis the clock ICE consent freshness runs on (tests move it)
     * @param threads     borrowed: the event loops, DTLS session threads and failure executor
     * @throws IOException when the port cannot be bound
     */
    public WebRtcTransportFactory(WebRtcTransportConfig config, DtlsCertificate certificate, LongSupplier clockMillis,
                                  WebRtcThreads threads) throws IOException {
        this.config = config;
        this.certificate = certificate;
        this.clockMillis = clockMillis;
        this.threads = threads;
        this.demux = new SharedPortDemux(config.maxPacketSize(), drops);
        ChannelFuture bound = new Bootstrap()
                .group(threads.eventLoops())
                .channelFactory(IoEngine.of(threads.eventLoops()).datagramChannels())
                // one byte more than allowed, so an oversize datagram shows as such instead of being cut
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxPacketSize() + 1))
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .handler(new SharedPortHandler(demux))
                .bind(new InetSocketAddress(config.bindAddress(), config.port()))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot bind the WebRTC port " + config.bindAddress().getHostAddress() + ":"
                    + config.port(), bound.cause());
        }
        this.channel = bound.channel();
        log.info("WebRTC (ICE-lite, DTLS-SRTP) on UDP {}, candidate {}:{}, certificate {}", channel.localAddress(),
                config.advertisedAddress(), port(), certificate.fingerprint());
    }

    @Override
    public WebRtcTransport create(String callId, InetAddress signallingSource) {
        WebRtcTransport transport = new WebRtcTransport(callId, channel, demux, certificate, config, clockMillis, drops,
                threads, open::remove);
        open.add(transport);
        return transport;
    }

    /** The shared UDP port (the bound one when the configuration said 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public DtlsCertificate certificate() {
        return certificate;
    }

    /** Datagrams thrown away on the shared port for {@code reason}, by every transport and by the router. */
    public long dropped(WebRtcDrop reason) {
        return drops.get(reason);
    }

    public Map<WebRtcDrop, Long> drops() {
        return drops.snapshot();
    }

    /** Transports created and not yet closed. */
    public int openTransports() {
        return open.size();
    }

    /** Closes every transport still open, then the socket; the event loops are the application's to stop. */
    @Override
    public void close() {
        for (MediaTransport transport : Set.copyOf(open)) {
            transport.close();
        }
        channel.close().awaitUninterruptibly();
    }
}
