package dev.mcu.sip;

import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.mcu.sip.WebSocketSipTest.header;
import static dev.mcu.sip.WebSocketSipTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser's WebSocket as the server must treat it: a call ends when its connection closes
 * (not when its media times out), and only pages of allowed origins may connect (the JDK's
 * WebSocket client sends the Origin a page would).
 */
class WebSocketConnectionTest {
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;
    private static final int PAGE_PORT = 8443;

    final TestSipExecutors executors = new TestSipExecutors();
    final List<AutoCloseable> toClose = new ArrayList<>();
    SipServerTest.RecordingHandler handler;
    FakeMediaTransportFactory transports;
    SipServer server;
    int wsPort;

    @BeforeEach
    void start() throws Exception {
        handler = new SipServerTest.RecordingHandler();
        handler.rooms.put("demo", Admission.accept());
        transports = new FakeMediaTransportFactory(4);
        wsPort = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", SipTestPhone.freePort()).withWebSocketPort(wsPort)
                .withWebSocketOrigins(WebSocketOrigins.ownPages(0, PAGE_PORT)),
                handler, transports, new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
        executors.close();
        transports.close();
    }

    private WebSocketSipTest.WsSipClient browser() throws Exception {
        WebSocketSipTest.WsSipClient client = new WebSocketSipTest.WsSipClient(URI.create("ws://127.0.0.1:" + wsPort));
        toClose.add(client);
        return client;
    }

    /** Joins room demo over {@code client}; returns the call as the application sees it. */
    private Call join(WebSocketSipTest.WsSipClient client) throws Exception {
        String callId = "ws-" + UUID.randomUUID();
        client.send(request("INVITE", "sip:demo@127.0.0.1:" + wsPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        client.send(request("ACK", "sip:demo@127.0.0.1:" + wsPort + ";transport=ws", callId, 1, toTag, null));
        Call call = handler.started.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(call, "the call started");
        assertEquals(callId, call.id());
        return call;
    }

    @Test
    void aCallEndsAsSoonAsItsWebSocketClosesAndOnlyThatOne() throws Exception {
        WebSocketSipTest.WsSipClient leaving = browser();
        WebSocketSipTest.WsSipClient staying = browser();
        Call gone = join(leaving);
        Call kept = join(staying);
        assertEquals(2, server.calls().size());

        leaving.close();   // the tab is closed: TCP goes away, no BYE
        String ended = handler.ended.poll(3, TimeUnit.SECONDS);
        assertNotNull(ended, "the call outlived its WebSocket");
        assertEquals(gone.id() + ": its ws connection closed", ended);
        assertEquals(List.of(kept.id()), server.calls().stream().map(Call::id).toList(),
                "the other browser's call is untouched");
        assertNull(handler.ended.poll(500, TimeUnit.MILLISECONDS), "nothing else ended");
    }

    @Test
    void aPageOfAnotherOriginIsRefusedWith403AndCounted() throws Exception {
        long before = server.protocolCounters().webSocketOriginRefused();
        ExecutionException refused = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder().subprotocols("sip").header("Origin", "https://evil.example")
                .buildAsync(URI.create("ws://127.0.0.1:" + wsPort), new WebSocket.Listener() { })
                .get(WAIT, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
        assertEquals(1, server.protocolCounters().webSocketOriginRefused() - before);

        // Our own join page on the host the browser dialled gets in, and its calls work.
        WebSocket ours = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
                .header("Origin", "https://127.0.0.1:" + PAGE_PORT)
                .buildAsync(URI.create("ws://127.0.0.1:" + wsPort), new WebSocket.Listener() { })
                .get(WAIT, TimeUnit.SECONDS);
        assertEquals("sip", ours.getSubprotocol());
        ours.abort();
        // The same page served from another host, or on another port, is not ours.
        for (String other : List.of("https://localhost:" + PAGE_PORT, "https://127.0.0.1:9999", "http://127.0.0.1:" + PAGE_PORT)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder().subprotocols("sip").header("Origin", other)
                    .buildAsync(URI.create("ws://127.0.0.1:" + wsPort), new WebSocket.Listener() { })
                    .get(WAIT, TimeUnit.SECONDS), other);
            assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode(), other);
        }
        assertEquals(4, server.protocolCounters().webSocketOriginRefused() - before);
        join(browser());   // a client without an Origin (not a web page) still gets in
    }

    @Test
    void anExplicitListAllowsExactlyItsOrigins() {
        WebSocketOrigins list = WebSocketOrigins.only(List.of("https://meet.example.com", "http://10.0.0.5:8080/"));
        assertTrue(list.allows("https://meet.example.com", "sip.example.com:8089"));
        assertTrue(list.allows("HTTP://10.0.0.5:8080", "10.0.0.5:8088"));
        assertTrue(!list.allows("https://meet.example.com:444", "meet.example.com"));
        assertTrue(!list.allows("null", "meet.example.com"));
        assertTrue(WebSocketOrigins.only(List.of("*")).allows("https://anything.example", "x"));
        assertTrue(!WebSocketOrigins.ownPages(8080, 0).allows("https://[::1]:8080", "[::1]:8088"));
        assertTrue(WebSocketOrigins.ownPages(8080, 0).allows("http://[::1]:8080", "[::1]:8088"));
    }
}
