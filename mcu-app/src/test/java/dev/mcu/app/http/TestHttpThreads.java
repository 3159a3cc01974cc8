package dev.mcu.app.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The threads a test's {@link HttpServer} borrows, sized as the server's own; close after the server. */
public final class TestHttpThreads implements AutoCloseable {
    final EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final ExecutorService handlers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));

    public HttpServer start(Router router) throws java.io.IOException {
        return new HttpServer("127.0.0.1", 0, null, router, io, handlers);
    }

    @Override
    public void close() {
        handlers.shutdownNow();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
