package dev.mcu.transport;

import java.net.InetAddress;

/**
 * Allocates transports. One factory per server; owns the Netty event loop group and the port range.
 *
 * <p>Anti-reflection rule: a transport sends to the address an SDP named only when that address is
 * the host the SIP signalling came from ({@code signallingSource}) or the configured policy allows
 * it; otherwise it waits for the remote's first packet and latches to its real source.
 */
public interface MediaTransportFactory extends AutoCloseable {
    /**
     * @param signallingSource the IP address the INVITE came from
     * @throws java.io.IOException when no ports are free (the SIP layer answers 503)
     */
    MediaTransport create(String callId, InetAddress signallingSource) throws java.io.IOException;

    /**
     * As {@link #create(String, InetAddress)}, with sockets only for {@code kinds} (what the offer's
     * answer will accept): a kind left out has local port 0, so an answer or offer made later refuses
     * it, and it sends nothing. An audio-only phone then holds 2 sockets instead of 4; 5,000 of them
     * fit under a 20,000 open-file limit. This default gives every kind its sockets.
     */
    default MediaTransport create(String callId, InetAddress signallingSource, java.util.Set<dev.mcu.media.MediaKind> kinds)
            throws java.io.IOException {
        return create(callId, signallingSource);
    }

    /**
     * As {@link #create(String, InetAddress, java.util.Set)}; {@code contributes} says the call feeds
     * the program (a webinar's host or speaker): its sockets are then served by event loops of their
     * own, which no amount of sending to the attendees delays, so its input is read in time under
     * overload. Known at admission; a call promoted or demoted later moves its sockets with
     * {@link MediaTransport#feedProgram}. This default ignores it.
     */
    default MediaTransport create(String callId, InetAddress signallingSource, java.util.Set<dev.mcu.media.MediaKind> kinds,
                                  boolean contributes) throws java.io.IOException {
        return create(callId, signallingSource, kinds);
    }

    @Override
    void close();
}
