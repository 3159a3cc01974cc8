package dev.mcu.sip;

import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.transport.MediaTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The MCU's SIP user agent server on JAIN-SIP (blocking message processors, UDP and TCP on one
 * port). It admits callers through the {@link ConferenceHandler}, negotiates SDP, creates each
 * call's media transport and keeps the call's dialog until BYE.
 *
 * <p>Threads: JAIN-SIP's threads deliver SIP events; initial INVITEs are answered on the borrowed
 * INVITE worker so admission and port allocation never hold up the stack, and the
 * {@link ConferenceHandler} hears of each call on the borrowed call-events executor (see
 * {@link SipExecutors}; the application creates both).
 */
public final class SipServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipServer.class);
    private static final AtomicInteger STACKS = new AtomicInteger();

    static {
        Slf4jStackLogger.install();
    }

    private final SipServerConfig config;
    private final SipStack stack;                 // owned: stopped in close()
    private final SipProvider provider;           // owned by the stack
    private final SipDispatcher dispatcher;
    private final Map<String, SipCall> calls = new ConcurrentHashMap<>();
    /** INVITEs refused with 503 because no media port pair was free or one could not be bound. */
    private final LongAdder mediaPortsRefused = new LongAdder();
    private final WebSocketSipStack webSocket;    // owned, or null without SIP over WebSocket
    private final WebSocketSipStack secureWebSocket; // owned, or null without SIP over secure WebSocket
    private final String stackName;
    private final SipGuard guard;                 // registered under stackName until close()

    /**
     * @param transports borrowed: the caller closes it after this server
     * @param executors  borrowed: the caller stops them after this server
     * @throws IOException when the SIP port cannot be bound
     */
    public SipServer(SipServerConfig config, ConferenceHandler handler, MediaTransportFactory transports,
                     SdpNegotiator negotiator, SipExecutors executors) throws IOException {
        this(config, handler, transports, null, negotiator, executors);
    }

    /**
     * @param transports       borrowed: plain RTP for SIP phones; the caller closes it after this server
     * @param webRtcTransports borrowed, may be null: ICE-lite + DTLS-SRTP for UDP/TLS/RTP/SAVPF offers
     *                         (browsers); without it such offers get 488
     * @param executors        borrowed: the caller stops them after this server
     * @throws IOException when the SIP port cannot be bound
     */
    public SipServer(SipServerConfig config, ConferenceHandler handler, MediaTransportFactory transports,
                     MediaTransportFactory webRtcTransports, SdpNegotiator negotiator, SipExecutors executors)
            throws IOException {
        this.config = config;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties properties = stackProperties(config);
        stackName = properties.getProperty("javax.sip.STACK_NAME");
        guard = SipGuard.register(stackName, config.floodLimit());
        try {
            stack = factory.createSipStack(properties);
        } catch (Exception e) {
            SipGuard.unregister(stackName);
            throw new IOException("cannot create the SIP stack: " + e.getMessage(), e);
        }
        try {
            List<ListeningPoint> points = new ArrayList<>();
            for (String transport : config.transports()) {
                points.add(stack.createListeningPoint(config.bindAddress(), config.port(), transport));
            }
            if (config.tlsPort() > 0) {
                points.add(stack.createListeningPoint(config.bindAddress(), config.tlsPort(), "tls"));
            }
            provider = stack.createSipProvider(points.get(0));
            for (ListeningPoint lp : points.subList(1, points.size())) {
                provider.addListeningPoint(lp);
            }
            SipMessages sip = new SipMessages(provider, factory.createMessageFactory(), factory.createHeaderFactory(),
                    factory.createAddressFactory(), config);
            Executor inviteWorker = executors.inviteWorker();
            InviteProcessor invites = new InviteProcessor(sip, handler, transports, webRtcTransports, negotiator, calls,
                    executors, mediaPortsRefused);
            dispatcher = new SipDispatcher(sip, invites, calls, inviteWorker);
            provider.addSipListener(dispatcher);
            stack.start();
            Function<SipMessages, InviteProcessor> browserInvites =
                    s -> new InviteProcessor(s, handler, transports, webRtcTransports, negotiator, calls,
                            executors, mediaPortsRefused);
            webSocket = config.webSocketPort() > 0
                    ? new WebSocketSipStack(config, false, browserInvites, calls, inviteWorker)
                    : null;
            try {
                secureWebSocket = config.secureWebSocketPort() > 0
                        ? new WebSocketSipStack(config, true, browserInvites, calls, inviteWorker)
                        : null;
            } catch (IOException | RuntimeException e) {
                if (webSocket != null) {
                    webSocket.close();
                }
                throw e;
            }
        } catch (Exception e) {
            SipStackStop.stop(stack, null, null, () -> true);
            SipGuard.unregister(stackName);
            throw new IOException("cannot listen for SIP on " + config.bindAddress() + ":" + config.port()
                    + " (" + e.getMessage() + ")", e);
        }
        log.info("SIP server listening on {}:{} ({}){}, advertising {}", config.bindAddress(), config.port(),
                String.join("+", config.transports()), config.tlsPort() > 0 ? " and TLS on " + config.tlsPort() : "",
                config.advertisedAddress());
    }

    static Properties stackProperties(SipServerConfig config) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "mcu-sip-" + config.port() + "-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "false");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        // Our checks in front of JAIN-SIP's lenient parser, and the answers it does not give (RFC 4475).
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", GuardedMessageParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", SipGuardValve.class.getName());
        if (config.tlsPort() > 0) {
            // Read by JAIN-SIP's DefaultSecurityManagerProvider from these stack properties.
            p.setProperty("javax.net.ssl.keyStore", config.tls().keystore().toString());
            p.setProperty("javax.net.ssl.keyStorePassword", config.tls().password());
            p.setProperty("javax.net.ssl.keyStoreType", config.tls().keystoreType());
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
            // JAIN-SIP's default list has no ECDHE suite, and the generated certificate's key is EC.
            p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(" ", List.of(
                    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")));
        }
        return p;
    }

    public SipServerConfig config() {
        return config;
    }

    /** Calls answered and not yet ended. */
    public List<Call> calls() {
        return List.copyOf(calls.values());
    }

    /**
     * Ends calls whose caller did not refresh its RFC 4028 session in time and refreshes those we
     * refresh. The application calls it about once a second on its timer thread.
     */
    public void checkSessionTimers() {
        long now = System.nanoTime();
        for (SipCall call : calls.values()) {
            call.checkSessionTimer(now);
        }
    }

    /** What the server refused or dropped before call handling, since it started. */
    public SipProtocolCounters protocolCounters() {
        SipProtocolCounters all = guard.snapshot().withMediaPortsRefused(mediaPortsRefused.sum());
        if (webSocket != null) {
            all = all.plus(webSocket.protocolCounters());
        }
        if (secureWebSocket != null) {
            all = all.plus(secureWebSocket.protocolCounters());
        }
        return all;
    }

    /** Hangs up every call (BYE), then stops the stack. */
    @Override
    public void close() {
        for (SipCall call : List.copyOf(calls.values())) {
            call.hangup();
        }
        SipStackStop.stop(stack, provider, dispatcher, dispatcher::idle);
        if (webSocket != null) {
            webSocket.close();
        }
        if (secureWebSocket != null) {
            secureWebSocket.close();
        }
        SipGuard.unregister(stackName);
        log.info("SIP server on {}:{} stopped", config.bindAddress(), config.port());
    }
}
