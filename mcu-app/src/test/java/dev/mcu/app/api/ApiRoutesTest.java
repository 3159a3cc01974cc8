package dev.mcu.app.api;

import dev.mcu.app.http.TestHttpThreads;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.events.EventBus;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.http.HttpServer;
import dev.mcu.app.http.Json;
import dev.mcu.app.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiRoutesTest {
    private final TestHttpThreads httpThreads = new TestHttpThreads();
    private static final String ADMIN = "admin-token-for-the-api-tests";
    private final HttpClient client = HttpClient.newHttpClient();
    private final FakeConference conference = new FakeConference();
    private final EventBus events = new EventBus();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Auth auth = new Auth(ADMIN, Clock.systemUTC());
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router();
        new ApiRoutes(conference, auth, events, new Lifecycle() {
            @Override
            public boolean draining() {
                return draining.get();
            }

            @Override
            public void drain() {
                draining.set(true);
            }

            @Override
            public int calls() {
                return 2;
            }
        }, pinger).addTo(router);
        server = httpThreads.start(router);
    }

    @AfterEach
    void stop() {
        server.close();
        httpThreads.close();
        pinger.shutdownNow();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void withoutATokenTheApiAnswers401AndWithAWrongOne403() throws Exception {
        HttpResponse<String> none = call("GET", "/api/v1/rooms", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(json(none).get("error").asText().contains("Authorization: Bearer"), none.body());
        assertEquals(403, call("GET", "/api/v1/rooms", "not-the-token", null).statusCode());
        assertEquals(403, call("POST", "/api/v1/rooms/board/lock", ADMIN + "x", null).statusCode());
        assertTrue(conference.actions.isEmpty(), "nothing was done: " + conference.actions);
    }

    @Test
    void theAdminListsRoomsAndParticipantsInTheContractsShape() throws Exception {
        JsonNode rooms = json(call("GET", "/api/v1/rooms", ADMIN, null));
        assertEquals("[{\"name\":\"board\",\"mode\":\"meeting\",\"participants\":2,\"layout\":\"grid\",\"locked\":false,"
                + "\"recording\":false}]", rooms.toString());
        JsonNode participants = json(call("GET", "/api/v1/rooms/board/participants", ADMIN, null));
        assertEquals(2, participants.size());
        JsonNode alice = participants.get(0);
        assertEquals(List.of("id", "name", "role", "transport", "audio", "video", "handRaised", "joinedAt"),
                iterable(alice.fieldNames()));
        assertEquals(List.of("codec", "muted", "level", "talking", "packetsIn", "packetsOut", "lossPercent", "jitterMs"),
                iterable(alice.get("audio").fieldNames()));
        assertEquals(List.of("codec", "muted", "visible", "fps", "kbpsIn", "kbpsOut", "layer"), iterable(alice.get("video").fieldNames()));
        assertEquals(404, call("GET", "/api/v1/rooms/nowhere/participants", ADMIN, null).statusCode());
        assertEquals("{\"error\":\"No room named 'nowhere' on this server\"}",
                call("GET", "/api/v1/rooms/nowhere", ADMIN, null).body());
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void hostActionsReachTheConferenceAndUnknownTargetsAre404() throws Exception {
        assertEquals(204, call("POST", "/api/v1/rooms/board/participants/p2/mute", ADMIN, "{\"audio\":true}").statusCode());
        assertEquals(204, call("POST", "/api/v1/rooms/board/participants/p2/role", ADMIN, "{\"role\":\"attendee\"}").statusCode());
        assertEquals(204, call("PUT", "/api/v1/rooms/board/layout", ADMIN, "{\"kind\":\"speaker\",\"focus\":\"p1\"}").statusCode());
        assertEquals(204, call("POST", "/api/v1/rooms/board/lock", ADMIN, null).statusCode());
        assertEquals(204, call("DELETE", "/api/v1/rooms/board/lock", ADMIN, null).statusCode());
        assertEquals(204, call("DELETE", "/api/v1/rooms/board/participants/p1", ADMIN, null).statusCode());
        assertEquals(204, call("DELETE", "/api/v1/rooms/board", ADMIN, null).statusCode());
        assertEquals(List.of("mute p2 audio=true video=null", "role p2 attendee", "layout speaker focus=p1", "lock board",
                "unlock board", "kick p1", "end board"), conference.actions);
        HttpResponse<String> nobody = call("DELETE", "/api/v1/rooms/board/participants/p9", ADMIN, null);
        assertEquals(404, nobody.statusCode());
        assertEquals("{\"error\":\"no participant 'p9' in room 'board'\"}", nobody.body());
        assertEquals(404, call("PUT", "/api/v1/rooms/board/layout", ADMIN, "{\"kind\":\"grid\",\"focus\":\"p9\"}").statusCode());
        assertEquals(404, call("POST", "/api/v1/rooms/else/lock", ADMIN, null).statusCode());
    }

    @Test
    void badBodiesAre400WithTheReasonAndWrongMethods405() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"audio\":\"yes\"}", "'audio' must be true or false, got \"yes\"",
                "{}", "say what to mute: {\"audio\": true} and/or {\"video\": true}",
                "{\"audio\":true,\"mic\":true}", "unknown key 'mic'; known keys: audio, video");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = call("POST", "/api/v1/rooms/board/participants/p1/mute", ADMIN, c.getKey());
            assertEquals(400, r.statusCode(), c.getKey());
            assertEquals(c.getValue(), json(r).get("error").asText());
        }
        HttpResponse<String> kind = call("PUT", "/api/v1/rooms/board/layout", ADMIN, "{\"kind\":\"mosaic\"}");
        assertEquals("'kind' must be grid, speaker, presenter, pip or custom, got 'mosaic'", json(kind).get("error").asText());
        HttpResponse<String> role = call("POST", "/api/v1/rooms/board/participants/p1/role", ADMIN, "{\"role\":\"king\"}");
        assertEquals(400, role.statusCode());
        assertEquals(400, call("PUT", "/api/v1/rooms/board/layout", ADMIN, "{\"kind\": grid}").statusCode());
        assertEquals(405, call("PATCH", "/api/v1/rooms/board", ADMIN, "{}").statusCode());
        assertEquals(405, call("GET", "/api/v1/rooms/board/lock", ADMIN, null).statusCode());
        assertTrue(conference.actions.isEmpty(), "nothing was done: " + conference.actions);
    }

    @Test
    void aRoomTokenReachesItsOwnRoomOnlyAndOnlyAHostSteersIt() throws Exception {
        String speaker = auth.roomToken("board", "p2", Role.SPEAKER);
        String host = auth.roomToken("board", "p1", Role.HOST);
        String otherRoom = auth.roomToken("lobby", "p7", Role.HOST);
        assertEquals(200, call("GET", "/api/v1/rooms/board/participants", speaker, null).statusCode());
        assertEquals(403, call("GET", "/api/v1/rooms", speaker, null).statusCode(), "listing all rooms is for the admin");
        assertEquals(403, call("GET", "/api/v1/rooms/board", otherRoom, null).statusCode());
        assertEquals(403, call("POST", "/api/v1/rooms/board/lock", speaker, null).statusCode());
        assertEquals(403, call("POST", "/api/v1/rooms/board/participants/p1/mute", speaker, "{\"audio\":true}").statusCode(),
                "a speaker mutes only themselves");
        assertEquals(204, call("POST", "/api/v1/rooms/board/participants/p2/mute", speaker, "{\"audio\":true}").statusCode());
        assertEquals(204, call("POST", "/api/v1/rooms/board/participants/p2/hand", speaker, "{\"raised\":true}").statusCode());
        assertEquals(204, call("POST", "/api/v1/rooms/board/lock", host, null).statusCode());
        assertEquals(403, call("POST", "/api/v1/drain", host, null).statusCode());
        String forged = speaker.substring(0, speaker.indexOf('.')) + "." + host.substring(host.indexOf('.') + 1);
        assertEquals(403, call("GET", "/api/v1/rooms/board", forged, null).statusCode());
        assertEquals(List.of("mute p2 audio=true video=null", "hand p2 true", "lock board"), conference.actions);
    }

    @Test
    void theLobbyNeedsNoTokenAndNeverShowsAPin() throws Exception {
        HttpResponse<String> lobby = call("GET", "/api/v1/lobby/board", null, null);
        assertEquals(200, lobby.statusCode());
        assertEquals("{\"room\":\"board\",\"mode\":\"meeting\",\"pinRequired\":true,\"pinOptional\":false,\"locked\":false}", lobby.body());
        assertEquals(404, call("GET", "/api/v1/lobby/else", null, null).statusCode());
    }

    @Test
    void drainTurnsReadinessTo503WhileHealthStaysUp() throws Exception {
        assertEquals(200, call("GET", "/readyz", null, null).statusCode());
        assertEquals(202, call("POST", "/api/v1/drain", ADMIN, null).statusCode());
        HttpResponse<String> ready = call("GET", "/readyz", null, null);
        assertEquals(503, ready.statusCode());
        assertEquals("draining", json(ready).get("status").asText());
        assertEquals(200, call("GET", "/healthz", null, null).statusCode());
    }

    @Test
    void theEventStreamDeliversTheRoomsEventsAsServerSentEvents() throws Exception {
        String token = auth.roomToken("board", "p2", Role.SPEAKER);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/events?room=board&access_token=" + token)).build();
        HttpResponse<InputStream> stream = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(""));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals("event: hello", in.readLine());
            in.readLine();
            in.readLine();
            events.publish(McuEvent.of("participant.muted", "other-room", "p5", Map.of("audio", true, "video", false)));
            events.publish(McuEvent.of("participant.muted", "board", "p2", Map.of("audio", true, "video", false)));
            assertEquals("event: participant.muted", in.readLine());
            JsonNode data = Json.MAPPER.readTree(in.readLine().substring("data: ".length()));
            assertEquals("board", data.get("room").asText(), "the other room's event is not in this stream");
            assertEquals("p2", data.get("participant").asText());
            assertTrue(data.get("audio").asBoolean());
            assertTrue(data.has("at"));
        }
        assertEquals(403, call("GET", "/api/v1/events", token, null).statusCode(), "a room token reads its room only");
        assertEquals(401, call("GET", "/api/v1/events", null, null).statusCode());
    }
}
