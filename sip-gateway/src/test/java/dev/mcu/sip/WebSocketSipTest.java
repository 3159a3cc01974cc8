package dev.mcu.sip;

import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP over WebSocket (RFC 7118) as a browser speaks it, with the JDK's WebSocket client. */
class WebSocketSipTest {
    final TestSipExecutors executors = new TestSipExecutors();
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;
    private static final String CLIENT_HOST = "df7jal23ls0d.invalid";

    SipServerTest.RecordingHandler handler;
    FakeMediaTransportFactory transports;
    SipServer server;
    int wsPort;
    WsSipClient client;

    @BeforeEach
    void start() throws Exception {
        handler = new SipServerTest.RecordingHandler();
        handler.rooms.put("demo", Admission.accept());
        transports = new FakeMediaTransportFactory(2);
        wsPort = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", SipTestPhone.freePort()).withWebSocketPort(wsPort),
                handler, transports, new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        client = new WsSipClient(URI.create("ws://127.0.0.1:" + wsPort));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        executors.close();
        transports.close();
    }

    @Test
    void aBrowsersAnswerCarriesTheAdmissionsHeadersAndARefusalItsReasonPhrase() throws Exception {
        handler.rooms.put("board", Admission.accept().withAnswerHeaders(
                java.util.Map.of("X-MCU-Participant", "p7", "X-MCU-Token", "room-token-for-p7")));
        handler.rooms.put("locked", Admission.forbidden("Room locked").withReasonPhrase("Room locked"));
        String callId = "ws-" + UUID.randomUUID();
        client.send(request("INVITE", "sip:board@127.0.0.1:" + wsPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        assertEquals("p7", header(ok, "X-MCU-Participant"));
        assertEquals("room-token-for-p7", header(ok, "X-MCU-Token"));
        JoinRequest join = handler.admitted.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(join);
        assertEquals("ws", join.signallingTransport(), "the application knows the call came over WebSocket");

        client.send(request("INVITE", "sip:locked@127.0.0.1:" + wsPort, "ws-" + UUID.randomUUID(), 1, "",
                SipServerTest.AUDIO_VIDEO_OFFER));
        String refused = client.awaitFinal();
        assertTrue(refused.startsWith("SIP/2.0 403 Room locked"), refused);
    }

    @Test
    void optionsOverWebSocketGets200() throws Exception {
        client.send(request("OPTIONS", "sip:127.0.0.1:" + wsPort + ";transport=ws", "opt-" + UUID.randomUUID(), 1, "", null));
        String response = client.awaitMessage();
        assertTrue(response.startsWith("SIP/2.0 200"), response);
        assertTrue(response.contains("CSeq: 1 OPTIONS"), response);
    }

    @Test
    void anInviteOverWebSocketIsAnsweredAndTheCallStartsAndEndsWithBye() throws Exception {
        String callId = "ws-" + UUID.randomUUID();
        client.send(request("INVITE", "sip:demo@127.0.0.1:" + wsPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        assertTrue(ok.contains("transport=ws"), "our Contact names the WebSocket transport: " + ok);
        assertTrue(ok.contains("m=audio"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        client.send(request("ACK", "sip:demo@127.0.0.1:" + wsPort + ";transport=ws", callId, 1, toTag, null));
        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS), "the call started after the ACK");

        client.send(request("BYE", "sip:demo@127.0.0.1:" + wsPort + ";transport=ws", callId, 2, toTag, null));
        String byeOk = client.awaitFinalFor("2 BYE");
        assertTrue(byeOk.startsWith("SIP/2.0 200"), byeOk);
        assertNotNull(handler.ended.poll(WAIT, TimeUnit.SECONDS), "the call ended after the BYE");
    }

    @Test
    void aHangupFromTheServerReachesTheBrowserAsByeOverItsWebSocket() throws Exception {
        String callId = "ws-" + UUID.randomUUID();
        client.send(request("INVITE", "sip:demo@127.0.0.1:" + wsPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        client.send(request("ACK", "sip:demo@127.0.0.1:" + wsPort + ";transport=ws", callId, 1, toTag, null));
        Call call = handler.started.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(call);

        call.hangup();
        String bye = client.awaitMessage();
        for (int i = 0; i < 10 && bye.startsWith("SIP/2.0 200") && bye.contains("CSeq: 1 INVITE"); i++) {
            bye = client.awaitMessage(); // the INVITE's 200 OK again, sent before our ACK reached the server
        }
        assertTrue(bye.startsWith("BYE "), bye);
        assertEquals(callId, header(bye, "Call-ID"));
    }

    static String request(String method, String uri, String callId, int cseq, String toTag, String sdp) {
        return request("WS", method, uri, callId, cseq, toTag, sdp);
    }

    /** A request as JsSIP writes it, with {@code transport} (WS or WSS) in Via and Contact. */
    static String request(String transport, String method, String uri, String callId, int cseq, String toTag, String sdp) {
        String body = sdp == null ? "" : sdp;
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + CLIENT_HOST + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:demo@127.0.0.1>" + (toTag.isEmpty() ? "" : ";tag=" + toTag) + "\r\n"
                + "From: \"Browser\" <sip:browser@" + CLIENT_HOST + ">;tag=browsertag\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:browser@" + CLIENT_HOST + ";transport=" + transport.toLowerCase(java.util.Locale.ROOT) + ">\r\n"
                + (sdp == null ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + message);
    }

    /** A WebSocket with subprotocol "sip"; every text message received goes to a queue. */
    static final class WsSipClient implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        WsSipClient(URI uri) throws Exception {
            this(uri, HttpClient.newHttpClient());
        }

        /** @param http for wss://, a client whose SSLContext trusts the server's certificate */
        WsSipClient(URI uri, HttpClient http) throws Exception {
            socket = http.newWebSocketBuilder().subprotocols("sip")
                    .buildAsync(uri, this).get(WAIT, TimeUnit.SECONDS);
            assertEquals("sip", socket.getSubprotocol(), "the server accepted subprotocol sip");
        }

        void send(String message) throws Exception {
            socket.sendText(message, true).get(WAIT, TimeUnit.SECONDS);
        }

        String awaitMessage() throws InterruptedException {
            String m = received.poll(WAIT, TimeUnit.SECONDS);
            assertNotNull(m, "no SIP message over the WebSocket within " + WAIT + " s");
            return m;
        }

        /** The next response that is not provisional. */
        String awaitFinal() throws InterruptedException {
            for (int i = 0; i < 10; i++) {
                String m = awaitMessage();
                if (!m.startsWith("SIP/2.0 1")) {
                    return m;
                }
            }
            throw new AssertionError("ten provisional responses and no final one");
        }

        /**
         * The next final response to the request with this CSeq (e.g. {@code 2 BYE}): a 200 OK to the
         * INVITE may come again after our ACK (RFC 3261 §13.3.1.4: the server resends it until the ACK
         * reaches it, also over a reliable transport), and is not the answer looked for.
         */
        String awaitFinalFor(String cseq) throws InterruptedException {
            for (int i = 0; i < 10; i++) {
                String m = awaitFinal();
                if (m.contains("CSeq: " + cseq + "\r\n")) {
                    return m;
                }
            }
            throw new AssertionError("ten final responses and none for CSeq " + cseq);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
