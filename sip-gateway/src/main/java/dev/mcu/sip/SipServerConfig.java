package dev.mcu.sip;

import java.util.List;

/**
 * Where the SIP server listens and what it tells peers. Immutable.
 *
 * @param bindAddress        the address the UDP and TCP sockets bind to ("0.0.0.0" for all)
 * @param port               5060 by default
 * @param advertisedAddress  the address written into Contact headers and SDP (must be reachable
 *                           by phones; never 0.0.0.0)
 * @param transports         "udp" and/or "tcp"
 * @param retryAfterSeconds  Retry-After on our own 503s (no free media ports, overload)
 * @param userAgent          the Server header
 * @param webSocketPort      TCP port for SIP over WebSocket (RFC 7118, subprotocol {@code sip}) on
 *                           bindAddress, served by a second JAIN-SIP stack; 0 = no WebSocket
 */
public record SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                              int retryAfterSeconds, String userAgent, int webSocketPort) {
    public static final int DEFAULT_PORT = 5060;

    /** Without SIP over WebSocket. */
    public SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                           int retryAfterSeconds, String userAgent) {
        this(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent, 0);
    }

    public SipServerConfig {
        transports = List.copyOf(transports);
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("no SIP transport enabled");
        }
        if ("0.0.0.0".equals(advertisedAddress) || "::".equals(advertisedAddress)) {
            throw new IllegalArgumentException("advertisedAddress must be an address phones can reach, not " + advertisedAddress);
        }
        if (webSocketPort < 0 || webSocketPort > 65535) {
            throw new IllegalArgumentException("webSocketPort must be 0 (off) or 1..65535, got " + webSocketPort);
        }
    }

    /** This configuration with SIP over WebSocket on {@code port} (0 = off). */
    public SipServerConfig withWebSocketPort(int port) {
        return new SipServerConfig(bindAddress, this.port, advertisedAddress, transports, retryAfterSeconds, userAgent, port);
    }

    /** What the WebSocket stack says about itself: its own port and transport in Contact headers. */
    SipServerConfig forWebSocketStack() {
        return new SipServerConfig(bindAddress, webSocketPort, advertisedAddress, List.of("ws"), retryAfterSeconds,
                userAgent, webSocketPort);
    }

    /** UDP and TCP on one address and port. */
    public static SipServerConfig of(String address, int port) {
        return new SipServerConfig(address, port, address, List.of("udp", "tcp"), 10, "mcu/0.1");
    }
}
