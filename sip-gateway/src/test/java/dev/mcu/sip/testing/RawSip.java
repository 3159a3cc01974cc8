package dev.mcu.sip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends hand-written (possibly broken) SIP messages to a server over UDP or TCP from a fresh
 * loopback socket, and reads back the first final response, as a phone would: provisional
 * responses are skipped, and a non-2xx final response to an INVITE is ACKed so the server stops
 * retransmitting it. Messages are ISO-8859-1 text, so any byte 0-255 can be written as a char;
 * {@code ${phone}} in a message becomes the socket's {@code 127.0.0.1:port} (for Via and Contact).
 *
 * <p>Used from the test thread only; every socket is closed before a method returns and every wait
 * is bounded by the given timeout.
 */
public final class RawSip {
    private RawSip() {
    }

    /** A response as it came off the wire. Header names are kept as the server wrote them. */
    public record Reply(int status, String reason, Map<String, List<String>> headers, String text) {
        /** Every value of a header (case-insensitive name), or an empty list. */
        public List<String> values(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }

        /** The method named in CSeq, or "" without one. */
        public String cseqMethod() {
            List<String> cseq = values("CSeq");
            String[] parts = cseq.isEmpty() ? new String[0] : cseq.get(0).trim().split("\\s+");
            return parts.length < 2 ? "" : parts[1];
        }

        public String statusLine() {
            return "SIP/2.0 " + status + " " + reason;
        }

        @Override
        public String toString() {
            return text.length() > 600 ? text.substring(0, 600) + "..." : text;
        }
    }

    /** The first final response to {@code message} sent as one datagram, or null when none came in time. */
    public static Reply udp(int serverPort, String message, int timeoutMillis) throws IOException {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String sent = message.replace("${phone}", "127.0.0.1:" + socket.getLocalPort());
            byte[] bytes = sent.getBytes(StandardCharsets.ISO_8859_1);
            socket.send(new DatagramPacket(bytes, bytes.length, server));
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            byte[] buffer = new byte[65535];
            while (true) {
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout(left);
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(datagram);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                Reply reply = parse(new String(buffer, 0, datagram.getLength(), StandardCharsets.ISO_8859_1));
                if (reply != null && reply.status() >= 200 && reply.cseqMethod().equals("BYE") && !sent.startsWith("BYE ")) {
                    continue; // the answer to a BYE of ours that ended an earlier 2xx
                }
                if (reply != null && reply.status() >= 200) {
                    for (String followUp : followUps(sent, reply, "127.0.0.1:" + socket.getLocalPort(), "UDP")) {
                        byte[] bytes2 = followUp.getBytes(StandardCharsets.ISO_8859_1);
                        socket.send(new DatagramPacket(bytes2, bytes2.length, server));
                    }
                    return reply;
                }
            }
        }
    }

    /**
     * The first final response to {@code message} written on a new TCP connection, or null when
     * none came in time or the server closed the connection without one.
     */
    public static Reply tcp(int serverPort, String message, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), timeoutMillis);
            String sent = message.replace("${phone}", "127.0.0.1:" + socket.getLocalPort());
            OutputStream out = socket.getOutputStream();
            out.write(sent.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (true) {
                Reply reply;
                while ((reply = takeMessage(received)) != null) {
                    if (reply.status() >= 200) {
                        List<String> followUps = followUps(sent, reply, "127.0.0.1:" + socket.getLocalPort(), "TCP");
                        for (String followUp : followUps) {
                            out.write(followUp.getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.flush();
                        if (followUps.size() > 1) {
                            awaitByeAnswer(socket, received, deadline);
                        }
                        return reply;
                    }
                }
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout(left);
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    return null;
                } catch (IOException reset) {
                    return null; // the server dropped the connection
                }
                if (n < 0) {
                    return null;
                }
                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** Reads on until the answer to our BYE (the call is over then), or the deadline. */
    private static void awaitByeAnswer(Socket socket, StringBuilder received, long deadline) throws IOException {
        byte[] buffer = new byte[8192];
        while (true) {
            Reply reply;
            while ((reply = takeMessage(received)) != null) {
                if (reply.cseqMethod().equals("BYE") && reply.status() >= 200) {
                    return;
                }
            }
            int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
            if (left <= 0) {
                return;
            }
            socket.setSoTimeout(left);
            int n;
            try {
                n = socket.getInputStream().read(buffer);
            } catch (IOException timeoutOrReset) {
                return;
            }
            if (n < 0) {
                return;
            }
            received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    /** Removes one complete message (head and Content-Length body) from the front of {@code stream}. */
    private static Reply takeMessage(StringBuilder stream) {
        int headEnd = stream.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        Reply head = parse(stream.substring(0, headEnd + 4));
        List<String> lengths = head == null ? List.of() : head.values("Content-Length");
        int bodyLength = lengths.isEmpty() ? 0 : Integer.parseInt(lengths.get(0).trim());
        int end = headEnd + 4 + bodyLength;
        if (stream.length() < end) {
            return null;
        }
        Reply whole = parse(stream.substring(0, end));
        stream.delete(0, end);
        return whole;
    }

    /** Parses a response's status line and headers; null when the text is not a SIP response. */
    public static Reply parse(String text) {
        if (!text.startsWith("SIP/2.0 ")) {
            return null;
        }
        int headEnd = text.indexOf("\r\n\r\n");
        String[] lines = (headEnd < 0 ? text : text.substring(0, headEnd)).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        return new Reply(Integer.parseInt(statusLine[1]), statusLine.length > 2 ? statusLine[2] : "", headers, text);
    }

    /**
     * What a phone sends after a final response: the ACK for a non-2xx answer to an INVITE, or for a
     * 2xx the ACK and a BYE (so no call is left behind), built from the response's own From, To,
     * Call-ID and CSeq (the request may be too tortuous to read them from).
     */
    static List<String> followUps(String request, Reply reply, String phone, String transport) {
        if (reply.status() >= 300) {
            String ack = ackFor(request, reply);
            return ack == null ? List.of() : List.of(ack);
        }
        if (!reply.cseqMethod().equals("INVITE") || reply.values("Contact").isEmpty()) {
            return List.of();
        }
        String contact = reply.values("Contact").get(0);
        String target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>') > 0 ? contact.indexOf('>') : contact.length());
        long cseq = Long.parseLong(reply.values("CSeq").get(0).trim().split("\\s+")[0]);
        String dialog = "From: " + reply.values("From").get(0) + "\r\nTo: " + reply.values("To").get(0)
                + "\r\nCall-ID: " + reply.values("Call-ID").get(0) + "\r\nMax-Forwards: 70\r\n";
        String ack = "ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/" + transport + " " + phone + ";branch=z9hG4bKack"
                + System.nanoTime() + "\r\n" + dialog + "CSeq: " + cseq + " ACK\r\nContent-Length: 0\r\n\r\n";
        String bye = "BYE " + target + " SIP/2.0\r\nVia: SIP/2.0/" + transport + " " + phone + ";branch=z9hG4bKbye"
                + System.nanoTime() + "\r\n" + dialog + "CSeq: " + (cseq + 1) + " BYE\r\nContent-Length: 0\r\n\r\n";
        return List.of(ack, bye);
    }

    /**
     * The ACK RFC 3261 §17.1.1.3 asks for after a non-2xx final response to an INVITE: the
     * INVITE's Request-URI, top Via, From, Call-ID and CSeq number, the response's To. Null when
     * no ACK is due or the request was too broken to build one.
     */
    static String ackFor(String request, Reply reply) {
        if (!request.startsWith("INVITE ") || reply.status() < 300) {
            return null;
        }
        String[] lines = request.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        String via = null;
        String from = null;
        String callId = null;
        String cseq = null;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (via == null && lower.startsWith("via:")) {
                via = line;
            } else if (lower.startsWith("from:")) {
                from = line;
            } else if (lower.startsWith("call-id:")) {
                callId = line;
            } else if (lower.startsWith("cseq:")) {
                cseq = line.substring(5).trim().split("\\s+")[0];
            } else if (line.isEmpty()) {
                break;
            }
        }
        List<String> to = reply.values("To");
        if (requestLine.length < 2 || via == null || from == null || callId == null || cseq == null || to.isEmpty()) {
            return null;
        }
        return "ACK " + requestLine[1] + " SIP/2.0\r\n" + via + "\r\n" + from + "\r\nTo: " + to.get(0) + "\r\n"
                + callId + "\r\nCSeq: " + cseq + " ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }
}
