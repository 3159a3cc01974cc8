package dev.mcu.sip;

import dev.mcu.sip.tls.TlsIdentity;

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
 * @param secureWebSocketPort TCP port for SIP over secure WebSocket (WSS, the same over TLS) on
 *                           bindAddress, served by a third stack with {@code tls}; 0 = no WSS
 * @param tls                the certificate for WSS; null when secureWebSocketPort is 0
 * @param floodLimit         new INVITEs and OPTIONS per source address
 * @param tlsPort            TCP port for SIP over TLS (RFC 3261 §26.2, usually 5061) on bindAddress with
 *                           {@code tls}; 0 = no TLS
 * @param webSocketOrigins   the web pages that may open SIP over WS/WSS (the upgrade's Origin);
 *                           others get HTTP 403
 * @param sessionTimers      RFC 4028 limits for the calls that ask for session timers
 */
public record SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                              int retryAfterSeconds, String userAgent, int webSocketPort,
                              int secureWebSocketPort, TlsIdentity tls, SipFloodLimit floodLimit, int tlsPort,
                              WebSocketOrigins webSocketOrigins, SessionTimerRules sessionTimers) {
    public static final int DEFAULT_PORT = 5060;

    /** With the default flood limit. */
    public SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                           int retryAfterSeconds, String userAgent, int webSocketPort, int secureWebSocketPort,
                           TlsIdentity tls) {
        this(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent, webSocketPort,
                secureWebSocketPort, tls, SipFloodLimit.DEFAULT, 0, WebSocketOrigins.ANY, SessionTimerRules.DEFAULT);
    }

    /** Without SIP over WebSocket. */
    public SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                           int retryAfterSeconds, String userAgent) {
        this(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent, 0);
    }

    /** Without SIP over secure WebSocket. */
    public SipServerConfig(String bindAddress, int port, String advertisedAddress, List<String> transports,
                           int retryAfterSeconds, String userAgent, int webSocketPort) {
        this(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent, webSocketPort, 0, null);
    }

    public SipServerConfig {
        transports = List.copyOf(transports);
        if (webSocketOrigins == null) {
            webSocketOrigins = WebSocketOrigins.ANY;
        }
        if (sessionTimers == null) {
            sessionTimers = SessionTimerRules.DEFAULT;
        }
        if (tlsPort < 0 || tlsPort > 65535) {
            throw new IllegalArgumentException("tlsPort must be 0 (off) or 1..65535, got " + tlsPort);
        }
        if (tlsPort > 0 && tls == null) {
            throw new IllegalArgumentException("SIP over TLS needs a TLS certificate");
        }
        if (tlsPort > 0 && (tlsPort == port || tlsPort == webSocketPort || tlsPort == secureWebSocketPort)) {
            throw new IllegalArgumentException("tlsPort " + tlsPort + " is already the SIP, WebSocket or secure WebSocket port");
        }
        if (floodLimit == null) {
            throw new IllegalArgumentException("floodLimit is required (SipFloodLimit.OFF turns it off)");
        }
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("no SIP transport enabled");
        }
        if ("0.0.0.0".equals(advertisedAddress) || "::".equals(advertisedAddress)) {
            throw new IllegalArgumentException("advertisedAddress must be an address phones can reach, not " + advertisedAddress);
        }
        if (webSocketPort < 0 || webSocketPort > 65535) {
            throw new IllegalArgumentException("webSocketPort must be 0 (off) or 1..65535, got " + webSocketPort);
        }
        if (secureWebSocketPort < 0 || secureWebSocketPort > 65535) {
            throw new IllegalArgumentException("secureWebSocketPort must be 0 (off) or 1..65535, got " + secureWebSocketPort);
        }
        if (secureWebSocketPort > 0 && tls == null) {
            throw new IllegalArgumentException("SIP over secure WebSocket needs a TLS certificate");
        }
        if (secureWebSocketPort > 0 && secureWebSocketPort == webSocketPort) {
            throw new IllegalArgumentException("webSocketPort and secureWebSocketPort must differ, both are " + webSocketPort);
        }
    }

    /** This configuration with SIP over WebSocket on {@code port} (0 = off). */
    public SipServerConfig withWebSocketPort(int port) {
        return new SipServerConfig(bindAddress, this.port, advertisedAddress, transports, retryAfterSeconds, userAgent, port,
                secureWebSocketPort, tls, floodLimit, tlsPort, webSocketOrigins, sessionTimers);
    }

    /** This configuration with SIP over secure WebSocket on {@code port} (0 = off) with {@code tls}. */
    public SipServerConfig withSecureWebSocket(int port, TlsIdentity tls) {
        return new SipServerConfig(bindAddress, this.port, advertisedAddress, transports, retryAfterSeconds, userAgent,
                webSocketPort, port, tls, floodLimit, tlsPort, webSocketOrigins, sessionTimers);
    }

    /** This configuration with SIP over TLS on {@code port} (0 = off) with {@code tls}. */
    public SipServerConfig withTlsPort(int port, TlsIdentity tls) {
        return new SipServerConfig(bindAddress, this.port, advertisedAddress, transports, retryAfterSeconds, userAgent,
                webSocketPort, secureWebSocketPort, tls, floodLimit, port, webSocketOrigins, sessionTimers);
    }

    /** This configuration with another limit on new INVITEs and OPTIONS per source address. */
    public SipServerConfig withFloodLimit(SipFloodLimit limit) {
        return new SipServerConfig(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent,
                webSocketPort, secureWebSocketPort, tls, limit, tlsPort, webSocketOrigins, sessionTimers);
    }

    /** This configuration with other pages allowed to open SIP over WS/WSS. */
    public SipServerConfig withWebSocketOrigins(WebSocketOrigins origins) {
        return new SipServerConfig(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent,
                webSocketPort, secureWebSocketPort, tls, floodLimit, tlsPort, origins, sessionTimers);
    }

    /** This configuration with other session timer limits. */
    public SipServerConfig withSessionTimers(SessionTimerRules rules) {
        return new SipServerConfig(bindAddress, port, advertisedAddress, transports, retryAfterSeconds, userAgent,
                webSocketPort, secureWebSocketPort, tls, floodLimit, tlsPort, webSocketOrigins, rules);
    }

    /** What the WebSocket stack says about itself: its own port and transport in Contact headers. */
    SipServerConfig forWebSocketStack() {
        return new SipServerConfig(bindAddress, webSocketPort, advertisedAddress, List.of("ws"), retryAfterSeconds,
                userAgent, webSocketPort).withSessionTimers(sessionTimers);
    }

    /** What the secure WebSocket stack says about itself, as {@link #forWebSocketStack()}. */
    SipServerConfig forSecureWebSocketStack() {
        return new SipServerConfig(bindAddress, secureWebSocketPort, advertisedAddress, List.of("wss"), retryAfterSeconds,
                userAgent, 0, secureWebSocketPort, tls).withSessionTimers(sessionTimers);
    }

    /** UDP and TCP on one address and port. */
    public static SipServerConfig of(String address, int port) {
        return new SipServerConfig(address, port, address, List.of("udp", "tcp"), 10, "mcu/0.1");
    }
}
