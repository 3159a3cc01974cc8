package dev.mcu.transport.webrtc;

import io.netty.channel.EventLoopGroup;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The threads the WebRTC transports borrow; the application creates them and stops them after the
 * factory is closed.
 *
 * @param eventLoops   the shared port's socket registers with one of these (built with
 *                     {@link dev.mcu.transport.IoEngine#ioHandlerFactory()})
 * @param dtlsSessions makes one thread per browser for its DTLS session (Bouncy Castle's DTLS is
 *                     blocking: the thread lives from the handshake to the close)
 * @param failures     where a transport reports that its browser is gone (consent lapsed, DTLS
 *                     failed or closed): the handler hangs up, so never the event loop
 */
public record WebRtcThreads(EventLoopGroup eventLoops, ThreadFactory dtlsSessions, Executor failures) {
    public WebRtcThreads {
        if (eventLoops == null || dtlsSessions == null || failures == null) {
            throw new IllegalArgumentException("WebRTC transports need event loops, DTLS session threads and a failure executor");
        }
    }
}
