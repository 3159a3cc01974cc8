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

    @Override
    void close();
}
