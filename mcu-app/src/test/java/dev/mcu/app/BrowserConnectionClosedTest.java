package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser that joined over SIP over WebSocket and whose WebSocket then closes (tab closed,
 * laptop lid shut, network gone) is out of the room at once: the API's participant list drops it
 * and the event stream says participant.left with reason connection-closed, long before the 30 s
 * media timeout. The signalling end is the JDK's WebSocket client speaking SIP as JsSIP does.
 */
class BrowserConnectionClosedTest {
    private static final String ADMIN = "ws-close-admin-token";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private JsonNode participants(String room) {
        try {
            return participantsOrFail(room);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode participantsOrFail(String room) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                + "/api/v1/rooms/" + room + "/participants")).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404 ? Json.MAPPER.createArrayNode() : Json.MAPPER.readTree(r.body());
    }

    @Test
    void aBrowserWhoseWebSocketClosesIsGoneFromTheRoomAndTheEventSaysWhy() throws Exception {
        int wsPort = TestServers.freeTcpPort();
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "sip.wsPort=" + wsPort,
                "admin.token=" + ADMIN, "media.timeoutSeconds=30");
        toClose.add(server);
        List<String> sse = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.httpPort() + "/api/v1/events?room=standup")).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(sse::add);
            } catch (java.io.UncheckedIOException closedAtTheEnd) {
                // the stream is closed when the test ends
            }
        }, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
        toClose.add(() -> stream.body().close());

        SyntheticParticipant person = new SyntheticParticipant("laptop", Codec.OPUS, Codec.VP8, 0,
                ConferenceEndToEndTest.RED, 440);
        toClose.add(person);
        WsSip browser = new WsSip(URI.create("ws://127.0.0.1:" + wsPort));
        toClose.add(browser);
        String callId = "ws-" + UUID.randomUUID();
        browser.send(request("INVITE", "sip:standup@127.0.0.1:" + wsPort, callId, 1, "", person.offer()));
        String ok = browser.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        browser.send(request("ACK", "sip:standup@127.0.0.1:" + wsPort + ";transport=ws", callId, 1, toTag, null));
        Await.until(Duration.ofSeconds(10), () -> participants("standup").size() == 1,
                () -> "the browser never showed in the participant list");
        JsonNode listed = participants("standup").get(0);
        assertEquals("ws", listed.get("transport").asText());
        String id = listed.get("id").asText();

        browser.close();   // the tab is gone: no BYE, the TCP connection just closes
        long closedAt = System.nanoTime();
        Await.until(Duration.ofSeconds(3), () -> participants("standup").isEmpty(),
                () -> "still listed 3 s after its WebSocket closed: " + participants("standup"));
        long goneAfterMillis = (System.nanoTime() - closedAt) / 1_000_000;
        assertTrue(goneAfterMillis < 3000, goneAfterMillis + " ms");
        assertTrue(server.calls().isEmpty(), "no call left");
        Await.until(Duration.ofSeconds(3), () -> server.openRooms().isEmpty(), () -> "room still open: " + server.openRooms());
        Await.until(Duration.ofSeconds(3), () -> sse.stream().anyMatch(l -> l.startsWith("data:")
                && l.contains("\"participant.left\"") && l.contains("\"participant\":\"" + id + "\"")
                && l.contains("\"reason\":\"connection-closed\"")), () -> "no participant.left event: " + sse);
    }

    static String request(String method, String uri, String callId, int cseq, String toTag, String sdp) {
        String body = sdp == null ? "" : sdp;
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/WS k3j4h5g6.invalid;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:standup@127.0.0.1>" + (toTag.isEmpty() ? "" : ";tag=" + toTag) + "\r\n"
                + "From: \"Laptop\" <sip:laptop@k3j4h5g6.invalid>;tag=laptoptag\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:laptop@k3j4h5g6.invalid;transport=ws>\r\n"
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

    /** A WebSocket with subprotocol sip, as JsSIP opens it; text messages go to a queue. */
    static final class WsSip implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        WsSip(URI uri) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip").buildAsync(uri, this)
                    .get(10, TimeUnit.SECONDS);
        }

        void send(String message) throws Exception {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
        }

        String awaitFinal() throws InterruptedException {
            for (int i = 0; i < 10; i++) {
                String m = received.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "no SIP message over the WebSocket");
                if (!m.startsWith("SIP/2.0 1")) {
                    return m;
                }
            }
            throw new AssertionError("no final response");
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
