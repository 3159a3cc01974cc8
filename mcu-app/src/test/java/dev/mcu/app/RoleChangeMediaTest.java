package dev.mcu.app;

import dev.mcu.app.events.McuEvent;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A role change through the API changes what people hear: in a webinar room a host and a speaker
 * (PINs pick the roles) hear each other; the operator makes the speaker an attendee and the
 * speaker's tone leaves the host's audio, while the speaker (now listening) still hears the host.
 */
class RoleChangeMediaTest {
    private static final String ADMIN = "role-change-admin-token";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void demotingASpeakerToAttendeeTakesTheirToneOutOfTheMix() throws Exception {
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "rooms.list=[{name: town-hall, mode: webinar, hostPin: '9876', speakerPin: '5555'}]");
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        SyntheticParticipant host = join(server, "host", "town-hall*9876", 440);
        SyntheticParticipant speaker = join(server, "speaker", "town-hall*5555", 1100);

        Await.until(Duration.ofSeconds(20), () -> tone(host, 1100) > SyntheticParticipant.TONE_AMPLITUDE * 0.3
                && tone(speaker, 440) > SyntheticParticipant.TONE_AMPLITUDE * 0.3,
                () -> "host hears " + tone(host, 1100) + " of the speaker, speaker hears " + tone(speaker, 440) + " of the host");
        String speakerId = events.stream().filter(e -> e.type().equals("participant.joined")
                && "speaker".equals(e.fields().get("role"))).map(McuEvent::participant).findFirst().orElseThrow();

        HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                        + "/api/v1/rooms/town-hall/participants/" + speakerId + "/role"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"attendee\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(changed.statusCode() / 100 == 2, changed.statusCode() + " " + changed.body());

        Await.until(Duration.ofSeconds(10), () -> tone(host, 1100) < SyntheticParticipant.TONE_AMPLITUDE * 0.05,
                () -> "the host still hears the demoted speaker: " + tone(host, 1100));
        Await.until(Duration.ofSeconds(10), () -> tone(speaker, 440) > SyntheticParticipant.TONE_AMPLITUDE * 0.3,
                () -> "the attendee no longer hears the host: " + tone(speaker, 440));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("participant.role") && speakerId.equals(e.participant())
                && "attendee".equals(e.fields().get("role"))), events::toString);
    }

    private SipTestPhone.Outgoing lastCall;

    private SyntheticParticipant join(McuServer server, String name, String user, int toneHz) throws Exception {
        SyntheticParticipant person = new SyntheticParticipant(name, Codec.OPUS, null, 0, ConferenceEndToEndTest.RED, toneHz);
        toClose.add(person);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", name);
        toClose.add(phone);
        lastCall = phone.invite(user, person.offer());
        PhoneResponse answer = lastCall.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        lastCall.ack();
        person.start(answer.body());
        return person;
    }

    private static double tone(SyntheticParticipant listener, double hz) {
        return Tones.amplitude(listener.lastHeard(Audio.SAMPLE_RATE / 2), hz, Audio.SAMPLE_RATE);
    }
}
