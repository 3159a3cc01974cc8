package dev.mcu.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Where one local socket sends: symmetric RTP (RFC 4961) with anti-reflection. Until the remote's
 * first valid packet arrives, the target is the SDP address only if it was trusted; afterwards it is
 * the packet's real source (a phone behind NAT sends from elsewhere than its SDP says). Packets from
 * any other source are refused, unless the latched one has been silent for {@link #RELATCH_AFTER_NANOS}
 * (the NAT rebound the phone's port), in which case the newcomer takes over.
 *
 * <p>{@link #accept} runs on the transport's event loop; {@link #target} is read by any thread.
 */
final class RemoteLatch {
    private static final Logger log = LoggerFactory.getLogger(RemoteLatch.class);
    static final long RELATCH_AFTER_NANOS = 3_000_000_000L;

    private final String name;
    private volatile InetSocketAddress sdpAddress;
    private volatile boolean sdpTrusted;
    private volatile InetSocketAddress latched;
    private long lastFromLatchedNanos;

    /** @param name for the log line, e.g. "call-id audio RTP" */
    RemoteLatch(String name) {
        this.name = name;
    }

    /** What offer/answer said; a changed address forgets the latch so the next packet latches anew. */
    void expect(InetSocketAddress sdp, boolean trusted) {
        if (sdp == null || !sdp.equals(sdpAddress)) {
            latched = null;
        }
        sdpAddress = sdp;
        sdpTrusted = trusted && sdp != null;
    }

    void reset() {
        latched = null;
        sdpAddress = null;
        sdpTrusted = false;
    }

    /** Decides whether a valid packet from {@code source} is taken; latches on the first one. */
    boolean accept(InetSocketAddress source, long nowNanos) {
        InetSocketAddress current = latched;
        if (source.equals(current)) {
            lastFromLatchedNanos = nowNanos;
            return true;
        }
        if (current != null && nowNanos - lastFromLatchedNanos < RELATCH_AFTER_NANOS) {
            return false;
        }
        if (current == null) {
            log.info("{} latched to {} (SDP said {}{})", name, source, sdpAddress,
                    sdpTrusted ? "" : ", not trusted");
        } else {
            log.info("{} re-latched from silent {} to {}", name, current, source);
        }
        latched = source;
        lastFromLatchedNanos = nowNanos;
        return true;
    }

    /** Where to send now, or {@code null} when nothing may be sent yet. */
    InetSocketAddress target() {
        InetSocketAddress current = latched;
        if (current != null) {
            return current;
        }
        return sdpTrusted ? sdpAddress : null;
    }

    InetSocketAddress latched() {
        return latched;
    }
}
