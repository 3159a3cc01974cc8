package dev.mcu.sip;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a SIP over WebSocket stack's connections answer to: the pages allowed to open them, what
 * to do when one closes, and the count of upgrades refused. JAIN-SIP creates the connection
 * objects ({@link WatchedWebSocketChannels}) itself, so they find their stack's instance here by
 * stack name, as {@link SipGuard} does. Called on JAIN-SIP's NIO threads; the counter is an
 * atomic read on any thread.
 */
final class WebSocketConnections {
    private static final Map<String, WebSocketConnections> BY_STACK = new ConcurrentHashMap<>();
    /** For a stack nobody registered (should not happen): anyone in, nothing told. */
    private static final WebSocketConnections UNREGISTERED =
            new WebSocketConnections(WebSocketOrigins.ANY, peer -> { });

    final WebSocketOrigins origins;
    final Consumer<InetSocketAddress> onClosed;   // the peer whose connection closed
    final AtomicLong originRefused = new AtomicLong();

    private WebSocketConnections(WebSocketOrigins origins, Consumer<InetSocketAddress> onClosed) {
        this.origins = origins;
        this.onClosed = onClosed;
    }

    static WebSocketConnections register(String stackName, WebSocketOrigins origins, Consumer<InetSocketAddress> onClosed) {
        WebSocketConnections c = new WebSocketConnections(origins, onClosed);
        BY_STACK.put(stackName, c);
        return c;
    }

    static void unregister(String stackName) {
        BY_STACK.remove(stackName);
    }

    static WebSocketConnections of(String stackName) {
        return BY_STACK.getOrDefault(stackName, UNREGISTERED);
    }
}
