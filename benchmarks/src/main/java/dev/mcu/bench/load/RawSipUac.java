package dev.mcu.bench.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal SIP user agent client over one UDP socket on 127.0.0.1, enough to place many calls
 * from one JVM without a SIP stack per call: INVITE with SDP (retransmitted per RFC 3261 timer A
 * until a response), ACK of the final response, BYE; in-dialog requests from the server (BYE,
 * OPTIONS) are answered 200. Responses are matched to calls by Call-ID and CSeq method.
 *
 * <p>Threads: {@link #invite} and {@link Call#bye} block the calling thread (several may call at
 * once); one daemon thread receives. Owns its socket; {@link #close()} frees it.
 */
final class RawSipUac implements AutoCloseable {
    private static final long TIMEOUT_MILLIS = 20_000;
    private static final AtomicLong IDS = new AtomicLong();

    private final InetSocketAddress server;
    private final DatagramSocket socket;
    private final int localPort;
    private final Map<String, BlockingQueue<SipMessage>> pending = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean running = true;

    RawSipUac(int serverPort) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.server = new InetSocketAddress(loopback, serverPort);
        this.socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.socket.setReceiveBufferSize(1 << 20);
        this.localPort = socket.getLocalPort();
        this.receiver = new Thread(this::receive, "sip-uac-rx");
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    /** Sends OPTIONS and says whether a 200 came back within {@code timeoutMillis}. */
    boolean ping(int timeoutMillis) throws IOException, InterruptedException {
        String callId = newId() + "@127.0.0.1";
        String uri = "sip:ping@127.0.0.1:" + server.getPort();
        BlockingQueue<SipMessage> queue = register(callId, "OPTIONS");
        try {
            send(request("OPTIONS", uri, callId, newId(), null, 1, null, null));
            SipMessage reply = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            return reply != null && reply.status == 200;
        } finally {
            pending.remove(key(callId, "OPTIONS"));
        }
    }

    /**
     * Places a call to {@code room} and ACKs its answer. Returns the established call, or throws
     * naming the final status when it was refused or nothing answered in time.
     */
    Call invite(String room, String user, String sdp) throws IOException, InterruptedException {
        String callId = newId() + "@127.0.0.1";
        String fromTag = newId();
        String uri = "sip:" + room + "@127.0.0.1:" + server.getPort();
        BlockingQueue<SipMessage> queue = register(callId, "INVITE");
        try {
            String branch = branch();
            String invite = request("INVITE", uri, callId, fromTag, null, 1, branch, sdp);
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            long retransmitAfter = 500;
            boolean provisional = false;
            send(invite);
            while (System.currentTimeMillis() < deadline) {
                SipMessage reply = queue.poll(provisional ? 1000 : retransmitAfter, TimeUnit.MILLISECONDS);
                if (reply == null) {
                    if (!provisional) {
                        send(invite);
                        retransmitAfter = Math.min(retransmitAfter * 2, 4000);
                    }
                    continue;
                }
                if (reply.status < 200) {
                    provisional = true;
                    continue;
                }
                String toTag = reply.toTag();
                if (reply.status >= 300) {
                    // ACK for a non-2xx final response belongs to the INVITE transaction (same branch).
                    send(request("ACK", uri, callId, fromTag, toTag, 1, branch, null));
                    throw new IOException("INVITE to " + room + " refused: " + reply.status + " " + reply.reason);
                }
                String target = reply.contactUri();
                Call call = new Call(callId, fromTag, toTag, target == null ? uri : target, reply.body);
                call.ack();
                return call;
            }
            throw new IOException("no final response to INVITE " + callId + " within " + TIMEOUT_MILLIS + " ms");
        } finally {
            pending.remove(key(callId, "INVITE"));
        }
    }

    private BlockingQueue<SipMessage> register(String callId, String method) {
        BlockingQueue<SipMessage> queue = new LinkedBlockingQueue<>();
        pending.put(key(callId, method), queue);
        return queue;
    }

    private static String key(String callId, String method) {
        return callId + ' ' + method;
    }

    private static String newId() {
        return Long.toHexString(System.nanoTime()) + Long.toHexString(IDS.incrementAndGet());
    }

    private static String branch() {
        return "z9hG4bK" + newId();
    }

    private String request(String method, String uri, String callId, String fromTag, String toTag, long cseq,
                           String branch, String sdp) {
        String to = "<" + uri.replaceFirst(";.*$", "") + ">" + (toTag == null ? "" : ";tag=" + toTag);
        StringBuilder m = new StringBuilder()
                .append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:").append(localPort).append(";branch=")
                .append(branch == null ? branch() : branch).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:load@127.0.0.1>;tag=").append(fromTag).append("\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
                .append("Contact: <sip:load@127.0.0.1:").append(localPort).append(">\r\n")
                .append("User-Agent: mcu-load-benchmark\r\n");
        byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
        if (sdp != null) {
            m.append("Content-Type: application/sdp\r\n");
        }
        m.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        if (sdp != null) {
            m.append(sdp);
        }
        return m.toString();
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    private void receive() {
        byte[] buffer = new byte[65_535];
        while (running) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            try {
                socket.setSoTimeout(500);
                socket.receive(datagram);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            SipMessage message = SipMessage.parse(new String(buffer, 0, datagram.getLength(), StandardCharsets.UTF_8));
            if (message == null) {
                continue;
            }
            try {
                if (message.status > 0) {
                    BlockingQueue<SipMessage> queue = pending.get(key(message.header("call-id"), message.cseqMethod()));
                    if (queue != null) {
                        queue.add(message);
                    }
                } else if (!message.method.equals("ACK")) {
                    answerOk(message);
                }
            } catch (IOException e) {
                // the socket closed while answering: we are shutting down
            }
        }
    }

    /** 200 OK to a request the server sent us (its BYE when it shuts down, an OPTIONS probe). */
    private void answerOk(SipMessage request) throws IOException {
        StringBuilder m = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String via : request.all("via")) {
            m.append("Via: ").append(via).append("\r\n");
        }
        m.append("From: ").append(request.header("from")).append("\r\n")
                .append("To: ").append(request.header("to")).append("\r\n")
                .append("Call-ID: ").append(request.header("call-id")).append("\r\n")
                .append("CSeq: ").append(request.header("cseq")).append("\r\n")
                .append("Content-Length: 0\r\n\r\n");
        send(m.toString());
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One established call: what the answer said, and how to end it. */
    final class Call {
        final String callId;
        final String answerSdp;
        private final String fromTag;
        private final String toTag;
        private final String target;
        private long cseq = 1;

        private Call(String callId, String fromTag, String toTag, String target, String answerSdp) {
            this.callId = callId;
            this.fromTag = fromTag;
            this.toTag = toTag;
            this.target = target;
            this.answerSdp = answerSdp;
        }

        private void ack() throws IOException {
            send(request("ACK", target, callId, fromTag, toTag, 1, null, null));
        }

        /** Sends BYE and waits (bounded) for its final response; true when the server said 200. */
        boolean bye(int timeoutMillis) throws IOException, InterruptedException {
            cseq++;
            BlockingQueue<SipMessage> queue = register(callId, "BYE");
            try {
                String bye = request("BYE", target, callId, fromTag, toTag, cseq, branch(), null);
                long deadline = System.currentTimeMillis() + timeoutMillis;
                send(bye);
                while (System.currentTimeMillis() < deadline) {
                    SipMessage reply = queue.poll(500, TimeUnit.MILLISECONDS);
                    if (reply == null) {
                        send(bye);
                    } else if (reply.status >= 200) {
                        return reply.status == 200;
                    }
                }
                return false;
            } finally {
                pending.remove(key(callId, "BYE"));
            }
        }
    }

    /** A parsed SIP message: start line, headers (lower-case compact-form-expanded names), body. */
    static final class SipMessage {
        final int status;          // 0 for a request
        final String reason;
        final String method;       // null for a response
        final String body;
        private final Map<String, java.util.List<String>> headers;

        private SipMessage(int status, String reason, String method, Map<String, java.util.List<String>> headers,
                           String body) {
            this.status = status;
            this.reason = reason;
            this.method = method;
            this.headers = headers;
            this.body = body;
        }

        static SipMessage parse(String text) {
            int split = text.indexOf("\r\n\r\n");
            if (split < 0) {
                return null;
            }
            String[] lines = text.substring(0, split).split("\r\n");
            String body = text.substring(split + 4);
            Map<String, java.util.List<String>> headers = new ConcurrentHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    String name = expand(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT));
                    headers.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                }
            }
            String[] start = lines[0].split(" ", 3);
            if (start.length < 3) {
                return null;
            }
            if (start[0].startsWith("SIP/")) {
                try {
                    return new SipMessage(Integer.parseInt(start[1]), start[2], null, headers, body);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return new SipMessage(0, null, start[0], headers, body);
        }

        private static String expand(String name) {
            return switch (name) {
                case "i" -> "call-id";
                case "f" -> "from";
                case "t" -> "to";
                case "v" -> "via";
                case "m" -> "contact";
                case "l" -> "content-length";
                case "c" -> "content-type";
                default -> name;
            };
        }

        String header(String name) {
            java.util.List<String> values = headers.get(name);
            return values == null ? "" : values.get(0);
        }

        java.util.List<String> all(String name) {
            return headers.getOrDefault(name, java.util.List.of());
        }

        String cseqMethod() {
            String[] parts = header("cseq").split("\\s+");
            return parts.length > 1 ? parts[1] : "";
        }

        String toTag() {
            String to = header("to");
            int at = to.indexOf(";tag=");
            if (at < 0) {
                return null;
            }
            String tag = to.substring(at + 5);
            int end = tag.indexOf(';');
            return end < 0 ? tag : tag.substring(0, end);
        }

        String contactUri() {
            String contact = header("contact");
            int lt = contact.indexOf('<');
            int gt = contact.indexOf('>');
            if (lt >= 0 && gt > lt) {
                return contact.substring(lt + 1, gt);
            }
            return contact.isEmpty() ? null : contact.split(";")[0];
        }
    }
}
