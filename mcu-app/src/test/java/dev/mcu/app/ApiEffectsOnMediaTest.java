package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three phones in a room, steered through the REST API as an operator would: each call's effect
 * is checked in what the phones hear and see and in their SIP dialogs (mute: the tone is gone from
 * the others' audio; layout: another colour fills the large tile; lock: the next caller gets 403;
 * kick: a BYE; end: everybody gets a BYE).
 */
class ApiEffectsOnMediaTest {
    private static final String ADMIN = "api-effects-admin-token";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();
    private McuServer server;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void muteLayoutLockKickAndEndShowInWhatThePhonesHearSeeAndGet() throws Exception {
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "video.layout=grid");
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440),
                new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.GREEN, 700),
                new SyntheticParticipant("blue", Codec.OPUS, Codec.VP8, 0, ConferenceEndToEndTest.BLUE, 1100));
        Map<String, SipTestPhone.Outgoing> calls = new HashMap<>();
        for (SyntheticParticipant person : people) {
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("board", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), answer.reason());
            call.ack();
            person.start(answer.body());
            calls.put(person.name(), call);
        }
        SyntheticParticipant red = people.get(0);
        SyntheticParticipant green = people.get(1);
        SyntheticParticipant blue = people.get(2);

        // The API lists the three, named by their From display name, with their role and transport.
        Await.until(Duration.ofSeconds(10), () -> calls.values().stream().allMatch(
                c -> server.participantId(c.dialog().getCallId().getCallId()).isPresent()), () -> "not all three are up");
        Map<String, String> idByName = new HashMap<>();
        for (Map.Entry<String, SipTestPhone.Outgoing> c : calls.entrySet()) {
            idByName.put(c.getKey(), server.participantId(c.getValue().dialog().getCallId().getCallId()).orElseThrow());
        }
        JsonNode listed = Json.MAPPER.readTree(api("GET", "/api/v1/rooms/board/participants", null).body());
        assertEquals(3, listed.size(), listed.toString());
        java.util.Set<String> listedIds = new java.util.HashSet<>();
        for (JsonNode p : listed) {
            listedIds.add(p.get("id").asText());
            assertEquals("Alice Tester", p.get("name").asText());
            assertEquals("speaker", p.get("role").asText());
            assertEquals("udp", p.get("transport").asText());
        }
        assertEquals(new java.util.HashSet<>(idByName.values()), listedIds);

        // Mute: red's tone leaves what green hears; blue's stays.
        Await.until(Duration.ofSeconds(20), () -> tone(green, 440) > SyntheticParticipant.TONE_AMPLITUDE * 0.3
                && tone(green, 1100) > SyntheticParticipant.TONE_AMPLITUDE * 0.3, () -> "green hears " + tones(green));
        assertEquals(204, api("POST", "/api/v1/rooms/board/participants/" + idByName.get("red") + "/mute",
                "{\"audio\":true}").statusCode());
        Await.until(Duration.ofSeconds(10), () -> tone(green, 440) < SyntheticParticipant.TONE_AMPLITUDE * 0.05
                && tone(green, 1100) > SyntheticParticipant.TONE_AMPLITUDE * 0.3, () -> "after muting red, green hears " + tones(green));
        JsonNode redNow = participant(idByName.get("red"));
        assertTrue(redNow.get("audio").get("muted").asBoolean(), redNow.toString());
        assertTrue(redNow.get("audio").get("packetsIn").asLong() > 0, "red still sends: " + redNow);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("participant.muted")
                && e.participant().equals(idByName.get("red")) && Boolean.TRUE.equals(e.fields().get("audio"))), events.toString());

        // Layout: pip with the focus on blue, then on green: the large picture changes colour.
        assertEquals(204, api("PUT", "/api/v1/rooms/board/layout",
                "{\"kind\":\"pip\",\"focus\":\"" + idByName.get("blue") + "\"}").statusCode());
        Await.until(Duration.ofSeconds(15), () -> largeTileIs(red.lastPicture(), ConferenceEndToEndTest.BLUE),
                () -> "red does not see blue large: " + describe(red.lastPicture()));
        assertEquals(204, api("PUT", "/api/v1/rooms/board/layout",
                "{\"kind\":\"pip\",\"focus\":\"" + idByName.get("green") + "\"}").statusCode());
        Await.until(Duration.ofSeconds(15), () -> largeTileIs(red.lastPicture(), ConferenceEndToEndTest.GREEN),
                () -> "red does not see green large: " + describe(red.lastPicture()));
        assertEquals("pip", Json.MAPPER.readTree(api("GET", "/api/v1/rooms/board", null).body()).get("layout").asText());

        // Lock: the next caller is refused with 403; unlocked, the room takes callers again.
        assertEquals(204, api("POST", "/api/v1/rooms/board/lock", null).statusCode());
        SyntheticParticipant late = new SyntheticParticipant("late", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 300);
        toClose.add(late);
        SipTestPhone latePhone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "late");
        toClose.add(latePhone);
        PhoneResponse refused = latePhone.invite("board", late.offer()).awaitFinal();
        assertEquals(403, refused.status());
        assertEquals(3, listedCount());
        assertEquals(204, api("DELETE", "/api/v1/rooms/board/lock", null).statusCode());

        // Kick: green's phone gets a BYE and the room has two left.
        assertEquals(204, api("DELETE", "/api/v1/rooms/board/participants/" + idByName.get("green"), null).statusCode());
        assertNotNull(calls.get("green").awaitByeFromServer(), "green got no BYE");
        Await.until(Duration.ofSeconds(5), () -> listedCount() == 2, () -> "still listed: " + listedCount());
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && e.participant().equals(idByName.get("green")) && "kicked".equals(e.fields().get("reason"))), events::toString);
        assertEquals(404, api("POST", "/api/v1/rooms/board/participants/" + idByName.get("green") + "/mute",
                "{\"audio\":true}").statusCode(), "a kicked participant is gone");

        // End: everybody gets a BYE and the room closes.
        assertEquals(204, api("DELETE", "/api/v1/rooms/board", null).statusCode());
        assertNotNull(calls.get("red").awaitByeFromServer(), "red got no BYE");
        assertNotNull(calls.get("blue").awaitByeFromServer(), "blue got no BYE");
        Await.until(Duration.ofSeconds(10), () -> server.openRooms().isEmpty(), () -> "open: " + server.openRooms());
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("room.closed")), events::toString);
        assertEquals(404, api("GET", "/api/v1/rooms/board", null).statusCode());
    }

    private JsonNode participant(String id) throws Exception {
        for (JsonNode p : Json.MAPPER.readTree(api("GET", "/api/v1/rooms/board/participants", null).body())) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no participant " + id);
    }

    private int listedCount() {
        try {
            HttpResponse<String> r = api("GET", "/api/v1/rooms/board/participants", null);
            return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()).size() : -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double tone(SyntheticParticipant listener, double hz) {
        return Tones.amplitude(listener.lastHeard(Audio.SAMPLE_RATE / 2), hz, Audio.SAMPLE_RATE);
    }

    private static String tones(SyntheticParticipant listener) {
        return String.format("440Hz=%.0f 700Hz=%.0f 1100Hz=%.0f", tone(listener, 440), tone(listener, 700), tone(listener, 1100));
    }

    /** In picture-in-picture the focused participant fills the canvas; the inset is at a corner. */
    private static boolean largeTileIs(I420Frame picture, int[] yuv) {
        if (picture == null) {
            return false;
        }
        int x = picture.width() / 4;
        int y = picture.height() / 2;
        return Math.abs(picture.uAt(x, y) - yuv[1]) < 24 && Math.abs(picture.vAt(x, y) - yuv[2]) < 24;
    }

    private static String describe(I420Frame picture) {
        return picture == null ? "nothing" : "YUV(" + picture.lumaAt(picture.width() / 4, picture.height() / 2) + ","
                + picture.uAt(picture.width() / 4, picture.height() / 2) + "," + picture.vAt(picture.width() / 4, picture.height() / 2) + ")";
    }
}
