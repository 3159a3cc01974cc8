package dev.mcu.transport.testing;

import dev.mcu.transport.IoEngine;
import dev.mcu.transport.webrtc.WebRtcThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a test's transport factories borrow, as the application's Threads makes them (the
 * failure thread is named {@value #FAILURE_THREAD}, so a test can tell where a failure was
 * reported). Close after the factories.
 */
public final class TestTransportThreads implements AutoCloseable {
    public static final String FAILURE_THREAD = "test-transport-failure";

    private final EventLoopGroup eventLoops;
    private final ExecutorService failures = Executors.newSingleThreadExecutor(r -> new Thread(r, FAILURE_THREAD));
    private final AtomicInteger dtlsNumber = new AtomicInteger();

    /** On the engine the server's {@code media.ioEngine: auto} picks here. */
    public TestTransportThreads() {
        this(IoEngine.choose(IoEngine.AUTO).engine());
    }

    /** On {@code engine} (check {@link IoEngine#available()} first). */
    public TestTransportThreads(IoEngine engine) {
        eventLoops = new MultiThreadIoEventLoopGroup(2, engine.ioHandlerFactory());
    }

    public EventLoopGroup eventLoops() {
        return eventLoops;
    }

    public WebRtcThreads webRtc() {
        return new WebRtcThreads(eventLoops, r -> {
            Thread t = new Thread(r, "test-dtls-" + dtlsNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, failures);
    }

    @Override
    public void close() {
        failures.shutdownNow();
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
