package dev.mcu.app;

import dev.mcu.conference.MediaClock;
import dev.mcu.conference.MediaTimings;
import dev.mcu.conference.ThreadedMediaClock;
import dev.mcu.sip.SipExecutors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mcu.transport.IoEngine;
import dev.mcu.transport.webrtc.WebRtcThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread and pool of the server, created here and nowhere else: their names, sizes and
 * daemon flags in one place (docs/design.md, "Threads", has the table of what each owns and must
 * never do). The modules below borrow them as constructor arguments; {@link #close} stops them after
 * everything that uses them has closed. JAIN-SIP's own stack threads are the one exception: the
 * library creates them.
 *
 * <p>Threads: created and closed by {@link McuServer} on the thread that starts and stops it.
 */
final class Threads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);
    /**
     * INVITE handling is CPU work (parse, admit, negotiate, bind, send) that never waits, so one
     * worker per core, at least two so a worker the scheduler parks does not stop call set-up.
     */
    static final int SIP_INVITE_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    static final int SIP_INVITE_QUEUE = 256;
    static final int SIP_CALL_EVENT_THREADS = 2;
    static final int HTTP_HANDLERS = 2;
    static final int HTTP_HANDLER_QUEUE = 256;
    static final int CONTRIBUTOR_IO_THREADS = 1;

    private final List<ExecutorService> pools = new ArrayList<>(); // owned: stopped in close(), last first
    private final IoEngine mediaEngine;
    private final EventLoopGroup mediaIo;
    private final EventLoopGroup contributorIo;
    private final EventLoopGroup webRtcIo;
    private final EventLoopGroup httpIo;
    private final ExecutorService httpHandlers;
    private final ExecutorService decodePool;
    private final ExecutorService encodePool;
    private final ExecutorService sipInvites;
    private final ExecutorService sipCallEvents;
    private final ExecutorService transportFailures;
    private final ScheduledExecutorService controlTimer;
    private ClientResources redis;                      // owned, made on first use (cluster.redisUri set)

    /**
     * @throws IllegalArgumentException when {@code media.ioEngine} names an engine that cannot run
     *                                  here (the message says why and what to set); no pool is made then
     */
    Threads(McuConfig config) {
        // First, so a media.ioEngine that cannot run here stops the start before any thread exists.
        IoEngine.Choice engine = IoEngine.choose(config.media().ioEngine());
        mediaEngine = engine.engine();
        log.info("Media sockets (phones' RTP/RTCP, the WebRTC port) run on {} ({})", mediaEngine.setting(), engine.reason());
        int decodeThreads = config.media().decodeThreads() > 0 ? config.media().decodeThreads()
                : Runtime.getRuntime().availableProcessors();
        decodePool = own(fixed(decodeThreads, named("decode-")));
        // Every room's video output profiles encode here; a room has one frame in flight, so this bounds the CPU.
        encodePool = own(fixed(Runtime.getRuntime().availableProcessors(), named("encode-")));
        sipInvites = own(new ThreadPoolExecutor(SIP_INVITE_WORKERS, SIP_INVITE_WORKERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(SIP_INVITE_QUEUE), named("sip-invite-")));
        sipCallEvents = own(fixed(SIP_CALL_EVENT_THREADS, named("sip-call-events-")));
        transportFailures = own(fixed(1, named("transport-failure-")));
        controlTimer = own(new ScheduledThreadPoolExecutor(1, named("control-timer-")));
        mediaIo = own(new MultiThreadIoEventLoopGroup(config.media().ioThreads(), new DefaultThreadFactory("media-io", true),
                mediaEngine.ioHandlerFactory()));
        // One loop: a webinar has a handful of hosts and speakers, and their sockets must be read even
        // while media-io is busy sending the program to thousands of attendees.
        contributorIo = own(new MultiThreadIoEventLoopGroup(CONTRIBUTOR_IO_THREADS,
                new DefaultThreadFactory("media-io-contributors", true), mediaEngine.ioHandlerFactory()));
        webRtcIo = own(new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("webrtc-io", true),
                mediaEngine.ioHandlerFactory()));
        httpIo = own(new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-io", true), NioIoHandler.newFactory()));
        // Bounded: when both handlers are busy and 256 requests wait, more get 503 at once.
        httpHandlers = own(new ThreadPoolExecutor(HTTP_HANDLERS, HTTP_HANDLERS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HTTP_HANDLER_QUEUE), named("http-handler-")));
    }

    /** The HTTP and HTTPS listeners' socket event loop (NIO: the server channel is NIO's). */
    EventLoopGroup httpIo() {
        return httpIo;
    }

    /** Runs HTTP route handlers (they may wait for a room), bounded. */
    ExecutorService httpHandlers() {
        return httpHandlers;
    }

    /**
     * The control plane's timer: the media watchdog, event-stream pings and the participants' rate
     * samples (McuServer stops it early in close).
     */
    ScheduledExecutorService controlTimer() {
        return controlTimer;
    }

    /**
     * The Redis client's two IO event loops and two computation threads (Lettuce's minimum) (Lettuce's own Netty groups),
     * made on first use: only a node in a cluster needs them.
     */
    synchronized ClientResources redis() {
        if (redis == null) {
            redis = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        }
        return redis;
    }

    /** The JVM shutdown hook that stops the server on SIGTERM or Ctrl-C. */
    static Thread shutdownHook(Runnable stop) {
        return new Thread(stop, "shutdown");
    }

    /** The Netty transport of {@link #mediaIo} and the WebRTC loop (media.ioEngine, resolved). */
    IoEngine mediaEngine() {
        return mediaEngine;
    }

    /** The plain RTP/RTCP transports' event loops (media.ioThreads): every phone's packets in and out. */
    EventLoopGroup mediaIo() {
        return mediaIo;
    }

    /**
     * The event loop of the RTP/RTCP transports of calls that feed a webinar's program (hosts and
     * speakers), same engine as {@link #mediaIo}: the attendees' sends on media-io never delay reading them.
     */
    EventLoopGroup contributorIo() {
        return contributorIo;
    }

    /** The shared WebRTC port's one event loop, its DTLS session threads and the failure executor. */
    WebRtcThreads webRtc() {
        return new WebRtcThreads(webRtcIo, named("dtls-"), transportFailures);
    }

    /** Decoding, one serial executor per inbound stream on top (media.decodeThreads, default: cores). */
    ExecutorService decodePool() {
        return decodePool;
    }

    /** Video encodes of every room's output profiles (cores threads). */
    ExecutorService encodePool() {
        return encodePool;
    }

    /**
     * Rooms' time and threads: each room gets two lanes, {@code room-NAME-audio} and
     * {@code room-NAME-video}, one daemon thread each, stopped when the room closes; the lanes run at
     * the highest Java priority so an audio round does not queue behind encodes where the OS honours it.
     */
    MediaClock mediaClock(MediaTimings timings) {
        return new ThreadedMediaClock(decodePool, encodePool, name -> r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        }, timings);
    }

    /** The SIP server's INVITE worker (bounded: a full queue means 503) and its call-events executor. */
    SipExecutors sip() {
        return new SipExecutors(sipInvites, sipCallEvents);
    }

    /** Where transports report a failed peer (ICE consent lapsed, DTLS failed or closed): hang-ups run here. */
    ExecutorService transportFailures() {
        return transportFailures;
    }

    private <T extends ExecutorService> T own(T pool) {
        pools.add(pool);
        return pool;
    }

    private static ThreadPoolExecutor fixed(int threads, ThreadFactory factory) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /** Daemon threads named {@code prefix1}, {@code prefix2}, ...: a stuck pool never keeps the JVM alive. */
    static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops every pool, last created first, giving running work a few seconds to finish. */
    @Override
    public void close() {
        synchronized (this) {
            if (redis != null) {
                redis.shutdown(0, 1, TimeUnit.SECONDS);
            }
        }
        List<ExecutorService> reversed = new ArrayList<>(pools);
        Collections.reverse(reversed);
        for (ExecutorService pool : reversed) {
            if (pool instanceof EventLoopGroup loops) {
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            } else {
                pool.shutdown();
            }
        }
        for (ExecutorService pool : reversed) {
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("a thread pool did not stop within 5 s; its threads are daemons and end with the process");
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
    }
}
