package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WHIP publishers and WHEP viewers are members of their room as calls are, checked over plain HTTP
 * and the API (the sessions are answered but never connect: no browser is needed for what is
 * checked here, WhipWhepBrowserTest has Chromium's media): the bearer token is a PIN with its
 * per-address limit, or the admin token; they are listed with transport whip and whep, take places
 * in the room, are kicked by the API, and the media watchdog ends one that sends nothing.
 */
class WhipMembershipTest {
    private static final String ADMIN = "whip-membership-admin";
    private static final String ROOM = "town";
    /** A browser's offer reduced to what counts: one bundled audio m-line over ICE and DTLS-SRTP. */
    private static final String AUDIO_OFFER = String.join("\r\n",
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 127.0.0.1", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:whip", "a=ice-pwd:whipwhipwhipwhipwhipwhip",
            "a=fingerprint:sha-256 9B:8D:A8:A6:35:52:E0:4A:2E:8E:3D:2A:1C:0B:4A:6B:12:30:0F:63:3A:77:FF:E0:1C:DD:8A:7B:0E:8C:3D:55",
            "a=setup:actpass", "a=mid:0", "%DIRECTION%", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1", "");
    private static final String PUBLISH = AUDIO_OFFER.replace("%DIRECTION%", "a=sendonly");
    private static final String WATCH = AUDIO_OFFER.replace("%DIRECTION%", "a=recvonly");
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private void startWithASpeakerOnThePhone(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "rooms.list=[{name: " + ROOM + ", mode: webinar, speakerPin: '2468'}]"));
        all.addAll(List.of(overrides));
        server = TestServers.start(all.toArray(String[]::new));
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        SyntheticParticipant speaker = new SyntheticParticipant("green", Codec.OPUS, null, 0, new int[]{145, 54, 34}, 700);
        toClose.add(speaker);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "green");
        toClose.add(phone);
        SipTestPhone.Outgoing call = phone.invite(ROOM + "*2468", speaker.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        speaker.start(answer.body());
        // The phone joins its room when its ACK is handled, on the call-events thread: until then the room
        // is not open, and WHIP or WHEP would rightly get 404.
        Await.until(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.type().equals("participant.joined")),
                () -> "the phone did not join: " + events);
    }

    @Test
    void tokensPlacesListingAndKick() throws Exception {
        startWithASpeakerOnThePhone("rooms.maxParticipants=3");

        // WHIP wants the speakerPin or the admin token; the room's regular entry (no PIN here) is not enough.
        assertAnswer(post("/whip/" + ROOM, null, PUBLISH), 401, "needs its speakerPin");
        assertAnswer(post("/whip/" + ROOM, "1111", PUBLISH), 401, "wrong token");
        HttpResponse<String> published = post("/whip/" + ROOM, ADMIN, PUBLISH);
        assertEquals(201, published.statusCode(), published.body());
        HttpResponse<String> watching = post("/whep/" + ROOM, null, WATCH);
        assertEquals(201, watching.statusCode(), watching.body());
        String whep = watching.headers().firstValue("Location").orElseThrow();

        // Listed with their transports and roles, and counted: the room of three is full.
        Map<String, JsonNode> byTransport = new HashMap<>();
        for (JsonNode p : Json.MAPPER.readTree(api("GET", "/api/v1/rooms/" + ROOM + "/participants").body())) {
            byTransport.put(p.get("transport").asText(), p);
        }
        assertEquals(3, byTransport.size(), byTransport.toString());
        assertEquals("speaker", byTransport.get("whip").get("role").asText());
        assertEquals("attendee", byTransport.get("whep").get("role").asText());
        assertEquals("speaker", byTransport.get("udp").get("role").asText());
        assertAnswer(post("/whep/" + ROOM, null, WATCH), 503, "full");

        // Kicked through the API: its resource is gone and its place is free again.
        String whepId = byTransport.get("whep").get("id").asText();
        assertEquals(204, api("DELETE", "/api/v1/rooms/" + ROOM + "/participants/" + whepId).statusCode());
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && whepId.equals(e.participant()) && "kicked".equals(e.fields().get("reason"))), events::toString);
        assertEquals(404, send("DELETE", whep).statusCode(), "the kicked session's resource is gone");
        assertEquals(201, post("/whep/" + ROOM, null, WATCH).statusCode(), "its place was given back");
        assertTrue(events.stream().anyMatch(e -> e.type().equals("participant.joined")
                && "whip".equals(e.fields().get("transport"))), events.toString());
    }

    @Test
    void wrongTokensAreLimitedPerAddressLikePins() throws Exception {
        startWithASpeakerOnThePhone();
        for (int i = 0; i < PinGate.MAX_FAILURES; i++) {
            assertAnswer(post("/whip/" + ROOM, "000" + i, PUBLISH), 401, "wrong token");
        }
        assertAnswer(post("/whip/" + ROOM, "2468", PUBLISH), 429, "too many wrong tokens");
    }

    @Test
    void aPublisherThatNeverSendsIsEndedByTheMediaWatchdog() throws Exception {
        startWithASpeakerOnThePhone("media.timeoutSeconds=1");
        HttpResponse<String> published = post("/whip/" + ROOM, "2468", PUBLISH);
        assertEquals(201, published.statusCode(), published.body());
        Await.until(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "media-timeout".equals(e.fields().get("reason"))), events::toString);
        assertEquals(404, send("DELETE", published.headers().firstValue("Location").orElseThrow()).statusCode());
    }

    private HttpResponse<String> post(String path, String token, String sdp) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(sdp));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + ADMIN).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String words) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(words), response.body());
    }
}
