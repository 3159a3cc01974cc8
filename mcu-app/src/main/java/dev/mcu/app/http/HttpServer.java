package dev.mcu.app.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's one HTTP listener (Netty's HTTP codec), plain or HTTPS: keep-alive, request bodies
 * bounded by {@link #MAX_BODY_BYTES} (larger ones get 413), idle connections closed after
 * {@link #IDLE_SECONDS} unless they carry an event stream, routes from a {@link Router}.
 *
 * <p>Threads: sockets on the borrowed IO event loops; handlers on the borrowed bounded handler
 * pool, so a handler that waits for a room never stalls socket IO (both from the application's
 * {@code Threads}, which stops them after this server). Owns the listening socket and its
 * connections, closed by {@link #close()}.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Largest request body accepted; the API's bodies are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final int IDLE_SECONDS = 120;

    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE); // connections, closed in close()
    private final Channel listener;               // owned
    private final String scheme;

    /**
     * @param bindAddress where to listen, e.g. 127.0.0.1
     * @param port        0 picks a free port (see {@link #port()})
     * @param tls         borrowed: HTTPS with this context's certificate; null for plain HTTP
     * @param router      the routes; fixed from now on
     * @param io          borrowed: NIO event loops for the sockets
     * @param handlers    borrowed: runs the route handlers; bounded, so a full queue answers 503 at once
     * @throws IOException when the port cannot be bound
     */
    public HttpServer(String bindAddress, int port, SSLContext tls, Router router, EventLoopGroup io,
                      ExecutorService handlers) throws IOException {
        router.freeze();
        this.scheme = tls == null ? "http" : "https";
        RequestDispatcher dispatcher = new RequestDispatcher(router, tls != null, handlers);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        open.add(channel);
                        ChannelPipeline p = channel.pipeline();
                        if (tls != null) {
                            SSLEngine engine = tls.createSSLEngine();
                            engine.setUseClientMode(false);
                            p.addLast("tls", new SslHandler(engine));
                        }
                        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                        p.addLast("codec", new HttpServerCodec(4096, 16 * 1024, 8192));
                        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
                        p.addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
                        p.addLast("dispatch", dispatcher);
                    }
                });
        try {
            this.listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while binding " + scheme + " port " + port, e);
            }
            throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public String scheme() {
        return scheme;
    }

    @Override
    public void close() {
        int port = port();
        listener.close().syncUninterruptibly();
        open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        log.info("HTTP{} on port {} stopped", scheme.equals("https") ? "S" : "", port);
    }
}
