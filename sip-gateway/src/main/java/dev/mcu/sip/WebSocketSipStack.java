package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * SIP over WebSocket (RFC 7118) for browsers: a second JAIN-SIP stack with the NIO message
 * processors and one "WS" (or, secure, "WSS") listening point, delivering to the same call
 * handling as the UDP/TCP stack (its own {@link SipMessages} and dispatcher, but the server's call
 * registry and INVITE worker). A separate stack because the NIO processors cannot dial out over
 * TLS and need other blocking settings than the main stack (see DEPENDENCIES.md). WS and WSS are
 * two instances, so each one's Contact headers name its own port.
 *
 * <p>WSS: JAIN-SIP reads the certificate from the keystore file named by the stack's
 * {@code javax.net.ssl.keyStore*} properties (set here from the {@link dev.mcu.sip.tls.TlsIdentity},
 * per stack, not as JVM-wide system properties). Its WSS channel keeps the JDK's default protocols
 * and cipher suites (TLS 1.3 and 1.2 with ECDHE) as long as {@code ENABLED_CIPHER_SUITES} is
 * not set, and never asks browsers for a client certificate.
 *
 * <p>Threads: JAIN-SIP's NIO threads deliver the events. Owned by {@link SipServer}, which closes
 * it; it owns its stack.
 */
final class WebSocketSipStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSipStack.class);

    private final SipServerConfig config;   // this stack's view: port = the WebSocket port
    private final String scheme;            // ws or wss, for the log
    private final SipStack stack;           // owned
    private final SipProvider provider;     // owned by the stack
    private final SipDispatcher dispatcher;
    private final String stackName;         // its SipGuard and WebSocketConnections are registered under it
    private final SipGuard guard;
    private final WebSocketConnections connections;
    private final Map<String, SipCall> calls; // borrowed: the server's call registry

    /**
     * @param serverConfig      the server's configuration; its webSocketPort (or, secure, its
     *                          secureWebSocketPort and tls) must be set
     * @param secure            WSS on secureWebSocketPort instead of WS on webSocketPort
     * @param inviteProcessors  builds the INVITE handling for this stack's messages, as for the main stack
     * @param calls             borrowed: the server's call registry
     * @param inviteWorker      borrowed: the server's INVITE worker
     * @throws IOException when the WebSocket port cannot be bound or the keystore not read
     */
    WebSocketSipStack(SipServerConfig serverConfig, boolean secure, Function<SipMessages, InviteProcessor> inviteProcessors,
                      Map<String, SipCall> calls, Executor inviteWorker) throws IOException {
        this.config = secure ? serverConfig.forSecureWebSocketStack() : serverConfig.forWebSocketStack();
        this.scheme = secure ? "wss" : "ws";
        this.calls = calls;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties properties = stackProperties(config, secure);
        stackName = properties.getProperty("javax.sip.STACK_NAME");
        guard = SipGuard.register(stackName, serverConfig.floodLimit());
        connections = WebSocketConnections.register(stackName, serverConfig.webSocketOrigins(), this::connectionClosed);
        try {
            stack = factory.createSipStack(properties);
        } catch (Exception e) {
            unregister();
            throw new IOException("cannot create the SIP over " + scheme + " stack: " + e.getMessage(), e);
        }
        try {
            ListeningPoint ws = stack.createListeningPoint(config.bindAddress(), config.port(), secure ? "WSS" : "WS");
            provider = stack.createSipProvider(ws);
            SipMessages sip = new SipMessages(provider, factory.createMessageFactory(), factory.createHeaderFactory(),
                    factory.createAddressFactory(), config);
            dispatcher = new SipDispatcher(sip, inviteProcessors.apply(sip), calls, inviteWorker);
            provider.addSipListener(dispatcher);
            stack.start();
        } catch (Exception e) {
            SipStackStop.stop(stack, null, null, () -> true);
            unregister();
            throw new IOException("cannot listen for SIP over " + scheme + " on " + config.bindAddress() + ":" + config.port()
                    + " (" + e.getMessage() + ")", e);
        }
        log.info("SIP over WebSocket listening on {}://{}:{}", scheme, config.bindAddress(), config.port());
    }

    private static Properties stackProperties(SipServerConfig config, boolean secure) {
        Properties p = SipServer.stackProperties(config);
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", WatchedWebSocketProcessors.class.getName());
        p.setProperty("gov.nist.javax.sip.NIO_BLOCKING_MODE", "NONBLOCKING");
        if (secure) {
            // Read by JAIN-SIP's DefaultSecurityManagerProvider from these stack properties.
            p.setProperty("javax.net.ssl.keyStore", config.tls().keystore().toString());
            p.setProperty("javax.net.ssl.keyStorePassword", config.tls().password());
            p.setProperty("javax.net.ssl.keyStoreType", config.tls().keystoreType());
            p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        }
        return p;
    }

    int port() {
        return config.port();
    }

    /** What this stack refused or dropped before call handling, and the upgrades refused for their Origin. */
    SipProtocolCounters protocolCounters() {
        SipProtocolCounters c = guard.snapshot();
        return new SipProtocolCounters(c.malformedRefused(), c.malformedDropped(), c.responsesDropped(), c.floodLimited(),
                connections.originRefused.get());
    }

    /**
     * A browser's WebSocket closed (it left, or its tab, network or machine died): the calls it
     * signalled cannot be hung up or refreshed any more, so they end now rather than when their
     * media times out. Runs on the NIO thread that saw the connection close.
     */
    private void connectionClosed(java.net.InetSocketAddress peer) {
        for (SipCall call : calls.values()) {
            if (scheme.equals(call.joinRequest().signallingTransport()) && peer.equals(call.signallingPeer())) {
                call.connectionClosed("its " + scheme + " connection closed");
            }
        }
    }

    private void unregister() {
        SipGuard.unregister(stackName);
        WebSocketConnections.unregister(stackName);
    }

    @Override
    public void close() {
        SipStackStop.stop(stack, provider, dispatcher, dispatcher::idle);
        unregister();
        log.info("SIP over {} on {}:{} stopped", scheme, config.bindAddress(), config.port());
    }
}
