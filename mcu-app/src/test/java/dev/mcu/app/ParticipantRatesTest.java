package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator looking for a frozen camera sees in GET /api/v1/rooms/{room}/participants: a
 * phone sending 25 fps shows about 25 fps; once its camera stops (the call and its audio go on)
 * it shows 0 fps and 0 kbit/s in within the rate window, where an average since the join would
 * still show most of the 25.
 */
class ParticipantRatesTest {
    private static final String ADMIN = "rates-admin-token";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aCameraThatStopsShowsZeroFpsAndKbpsInWithinTheWindow() throws Exception {
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN, "video.layout=grid");
        toClose.add(server);
        SyntheticParticipant red = new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440);
        toClose.add(red);
        toClose.add(Dial.into(server, "watch", red));

        // Sending: the phone encodes 25 fps; after a full window the API shows about that.
        JsonNode[] seen = new JsonNode[1];
        Await.until(Duration.ofSeconds(30), () -> {
            seen[0] = onlyParticipant();
            double fps = seen[0] == null ? 0 : seen[0].get("video").get("fps").asDouble();
            return seen[0] != null && ageSeconds(seen[0]) > RecentRates.WINDOW.toSeconds() + 1 && fps >= 18 && fps <= 30;
        }, () -> "no fps near 25 after a full window: " + seen[0]);
        double fpsWhileSending = seen[0].get("video").get("fps").asDouble();
        assertTrue(seen[0].get("video").get("kbpsIn").asLong() > 0, seen[0].toString());
        Instant joinedAt = Instant.parse(seen[0].get("joinedAt").asText());

        Instant pausedAt = Instant.now();
        red.pauseVideo();
        Await.until(RecentRates.WINDOW.plusSeconds(6), () -> {   // slack for a busy machine's timer
            seen[0] = onlyParticipant();
            return seen[0] != null && seen[0].get("video").get("fps").asDouble() == 0
                    && seen[0].get("video").get("kbpsIn").asLong() == 0;
        }, () -> "the stopped camera still shows " + seen[0]);
        Instant zeroAt = Instant.now();
        assertTrue(red.audioPacketsReceived() > 0 && seen[0].get("audio").get("packetsIn").asLong() > 0,
                "the call goes on: " + seen[0]);
        assertTrue(seen[0].get("video").get("kbpsOut").asLong() > 0, "we still send it the room: " + seen[0]);
        // What an average since the join would have shown at that moment: well above 0.
        double sinceJoin = fpsWhileSending * Duration.between(joinedAt, pausedAt).toMillis()
                / Duration.between(joinedAt, zeroAt).toMillis();
        assertTrue(sinceJoin > 5, "since-join average " + sinceJoin);
    }

    private static double ageSeconds(JsonNode participant) {
        return Duration.between(Instant.parse(participant.get("joinedAt").asText()), Instant.now()).toMillis() / 1000.0;
    }

    /** The room's one participant, or null before it is listed. */
    private JsonNode onlyParticipant() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.httpPort() + "/api/v1/rooms/watch/participants"))
                    .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode list = Json.MAPPER.readTree(r.body());
            return list.size() == 1 ? list.get(0) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
