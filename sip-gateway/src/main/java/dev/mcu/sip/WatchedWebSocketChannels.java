package dev.mcu.sip;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioWebSocketMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * JAIN-SIP's WS and WSS connections with two additions it lacks: the HTTP upgrade is refused
 * with 403 when its Origin is not an allowed page ({@link WebSocketOrigins}), and the connection's
 * closing (the browser left, its tab or machine died) is reported at once to the stack's
 * {@link WebSocketConnections}, so the calls it carried end without waiting for their media to
 * time out. JAIN-SIP gives no hook for either, hence the subclasses. Called on JAIN-SIP's NIO
 * threads, one connection's bytes at a time.
 */
final class WatchedWebSocketChannels {
    private static final Logger log = LoggerFactory.getLogger(WatchedWebSocketChannels.class);
    /** An upgrade request longer than this is not a browser's: refused. */
    static final int MAX_UPGRADE_BYTES = 8192;

    private WatchedWebSocketChannels() {
    }

    /** The upgrade request of one connection, read until its blank line, then judged once. */
    static final class Upgrade {
        private final WebSocketConnections connections;
        private ByteArrayOutputStream head = new ByteArrayOutputStream();
        private boolean refused;
        private final AtomicBoolean closeReported = new AtomicBoolean();

        Upgrade(WebSocketConnections connections) {
            this.connections = connections;
        }

        /**
         * @return the bytes for JAIN-SIP (the whole upgrade once complete and allowed, then everything
         *         as it comes), or null to hold them (incomplete) or drop them (refused)
         * @param refuse called once with the 403 response when the upgrade is refused
         */
        byte[] accept(byte[] bytes, String peer, ThrowingConsumer refuse) throws IOException {
            if (refused) {
                return null;
            }
            if (head == null) {
                return bytes;
            }
            head.write(bytes, 0, bytes.length);
            byte[] sofar = head.toByteArray();
            int end = indexOfBlankLine(sofar);
            if (end < 0) {
                if (sofar.length > MAX_UPGRADE_BYTES) {
                    refuseWith(refuse, 431, "Request Header Fields Too Large", "the upgrade request is too long");
                }
                return null;
            }
            head = null;
            String request = new String(sofar, 0, end, StandardCharsets.ISO_8859_1);
            String origin = header(request, "Origin");
            if (!connections.origins.allows(origin, header(request, "Host"))) {
                connections.originRefused.incrementAndGet();
                log.info("Refused SIP over WebSocket from {}: its page {} is not one of the allowed origins ({});"
                        + " add it to sip.allowedOrigins if it should place calls", peer, SipText.loggable(origin),
                        connections.origins);
                refuseWith(refuse, 403, "Forbidden", "this page may not use this server's SIP over WebSocket");
                return null;
            }
            return sofar;
        }

        private void refuseWith(ThrowingConsumer refuse, int status, String reason, String text) throws IOException {
            refused = true;
            head = null;
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            // The client closes the connection on a non-101 answer; until then its bytes are dropped.
            refuse.accept(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + text)
                    .getBytes(StandardCharsets.UTF_8));
        }

        /** Tells the stack once that this connection is gone. */
        void closed(InetSocketAddress peer) {
            if (!refused && closeReported.compareAndSet(false, true) && peer != null) {
                connections.onClosed.accept(peer);
            }
        }

        static int indexOfBlankLine(byte[] b) {
            for (int i = 0; i + 3 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }

        static String header(String request, String name) {
            for (String line : request.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    interface ThrowingConsumer {
        void accept(byte[] bytes) throws IOException;
    }

    private static WebSocketConnections connectionsOf(SIPTransactionStack stack) {
        return WebSocketConnections.of(((javax.sip.SipStack) stack).getStackName());
    }

    private static InetSocketAddress peer(java.net.InetAddress address, int port) {
        return address == null ? null : new InetSocketAddress(address, port);
    }

    /** A ws:// connection. */
    static final class Plain extends NioWebSocketMessageChannel {
        private final Upgrade upgrade;

        Plain(SIPTransactionStack stack, NioTcpMessageProcessor processor, java.nio.channels.SocketChannel socket)
                throws IOException {
            super(stack, processor, socket);
            upgrade = new Upgrade(connectionsOf(stack));
        }

        @Override
        protected void addBytes(byte[] bytes) throws Exception {
            byte[] pass = upgrade.accept(bytes, getPeerAddress(), b -> sendNonWebSocketMessage(b, false));
            if (pass != null) {
                super.addBytes(pass);
            }
        }

        @Override
        protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
            super.close(removeSocket, stopKeepAliveTask);
            upgrade.closed(peer(getPeerInetAddress(), getPeerPort()));
        }
    }

    /** A wss:// connection: the upgrade is judged on the decrypted bytes. */
    static final class Secure extends NioTlsWebSocketMessageChannel {
        private final Upgrade upgrade;

        Secure(SIPTransactionStack stack, NioTcpMessageProcessor processor, java.nio.channels.SocketChannel socket)
                throws IOException {
            super(stack, processor, socket);
            upgrade = new Upgrade(connectionsOf(stack));
        }

        @Override
        public void addPlaintextBytes(byte[] bytes) throws Exception {
            byte[] pass = upgrade.accept(bytes, getPeerAddress(), b -> sendNonWebSocketMessage(b, false));
            if (pass != null) {
                super.addPlaintextBytes(pass);
            }
        }

        @Override
        protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
            super.close(removeSocket, stopKeepAliveTask);
            upgrade.closed(peer(getPeerInetAddress(), getPeerPort()));
        }
    }
}
