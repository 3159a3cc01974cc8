package dev.mcu.app;

import dev.mcu.app.events.McuEvent;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attendee promoted to speaker moves its sockets to the speakers' own event loop, and back when
 * demoted: with every media-io loop (the attendees' loops) held by a task, as when they are busy
 * sending the program to thousands of attendees, the host still hears the promoted attendee's tone
 * and the promoted attendee still hears the host; once demoted, the same hold silences it again
 * like any attendee (its sockets are on media-io), and it hears the program once the loops are free.
 * Before the move, a promoted attendee's voice waited for the attendees' loops (0 packets while held).
 *
 * <p>Synthetic SIP phones on loopback (the project's own); the attendee's phone answers the server's
 * re-INVITEs with its own streams, sendrecv. Audio only.
 */
class WebinarPromotionLoopTest {
    private static final String ADMIN = "promotion-loop-admin-token";
    private static final String ROOM = "stage";
    private static final String HOST_PIN = "1357";
    private static final double HOST_HZ = 600;
    private static final double ATTENDEE_HZ = 1000;
    private static final int[] GREY = {128, 128, 128};
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
    void aPromotedAttendeeIsHeardWhileTheAttendeesLoopsAreHeldAndGoesBackThereWhenDemoted() throws Exception {
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "webinar.promotedStartMuted=false",
                "rooms.list=[{name: " + ROOM + ", mode: webinar, hostPin: '" + HOST_PIN + "'}]");
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        SyntheticParticipant host = dial(server, "host", ROOM + "*" + HOST_PIN, HOST_HZ).participant;
        Dialled attendeeCall = dial(server, "attendee", ROOM, ATTENDEE_HZ);
        SyntheticParticipant attendee = attendeeCall.participant;
        attendeeCall.call.answerReInvitesWith(attendee.offer());
        Await.until(Duration.ofSeconds(15), () -> attendee.hearsTone(HOST_HZ),
                () -> "the attendee hears " + attendee.toneAmplitudeHeard(HOST_HZ) + " of the host's tone");
        String id = events.stream().filter(e -> e.type().equals("participant.joined")
                && "attendee".equals(e.fields().get("role"))).map(McuEvent::participant).findFirst().orElseThrow();

        setRole(server, id, "speaker");
        assertTrue(attendeeCall.call.reInvites.poll(SipTestPhone.TIMEOUT_SECONDS, TimeUnit.SECONDS) != null,
                "no re-INVITE for the promoted attendee");
        Await.until(Duration.ofSeconds(15), () -> host.hearsTone(ATTENDEE_HZ),
                () -> "the host hears " + host.toneAmplitudeHeard(ATTENDEE_HZ) + " of the promoted attendee's tone");

        MediaIoHold.whileHeld(server, () -> {
            long hostPackets = host.audioPacketsReceived();
            long attendeePackets = attendee.audioPacketsReceived();
            // 2 s of fresh audio at the host, and the promoted attendee's tone in its last half second
            Await.until(Duration.ofSeconds(15), () -> host.audioPacketsReceived() >= hostPackets + 100
                            && attendee.audioPacketsReceived() >= attendeePackets + 100,
                    () -> "with media-io held the host got " + (host.audioPacketsReceived() - hostPackets)
                            + " and the promoted attendee " + (attendee.audioPacketsReceived() - attendeePackets)
                            + " audio packets: the promoted attendee's sockets wait for the attendees' loops");
            assertTrue(host.hearsTone(ATTENDEE_HZ), "with media-io held the host hears " + host.toneAmplitudeHeard(ATTENDEE_HZ)
                    + " of the promoted attendee's tone");
            assertTrue(attendee.hearsTone(HOST_HZ), "with media-io held the promoted attendee hears "
                    + attendee.toneAmplitudeHeard(HOST_HZ) + " of the host's tone");
        });

        setRole(server, id, "attendee");
        assertTrue(attendeeCall.call.reInvites.poll(SipTestPhone.TIMEOUT_SECONDS, TimeUnit.SECONDS) != null,
                "no re-INVITE for the demoted speaker");
        Await.until(Duration.ofSeconds(15), () -> host.toneAmplitudeHeard(ATTENDEE_HZ) < SyntheticParticipant.TONE_AMPLITUDE * 0.05,
                () -> "the host still hears " + host.toneAmplitudeHeard(ATTENDEE_HZ) + " of the demoted attendee's tone");
        // the move back runs on the loops after the role change: give it its few tasks before holding them
        Await.until(Duration.ofSeconds(15), () -> attendee.hearsTone(HOST_HZ),
                () -> "the demoted attendee hears " + attendee.toneAmplitudeHeard(HOST_HZ) + " of the host's tone");

        long[] attendeeBefore = new long[1];
        MediaIoHold.whileHeld(server, () -> {
            long hostPackets = host.audioPacketsReceived();
            attendeeBefore[0] = attendee.audioPacketsReceived();
            Await.until(Duration.ofSeconds(15), () -> host.audioPacketsReceived() >= hostPackets + 100,
                    () -> "with media-io held the host got " + (host.audioPacketsReceived() - hostPackets) + " audio packets");
            long attendeeGot = attendee.audioPacketsReceived() - attendeeBefore[0];
            assertTrue(attendeeGot <= 2, "the demoted attendee got " + attendeeGot
                    + " audio packets while media-io was held: its sockets stayed on the speakers' loop");
        });
        Await.until(Duration.ofSeconds(15), () -> attendee.audioPacketsReceived() >= attendeeBefore[0] + 50,
                () -> "the demoted attendee hears nothing once media-io is free again");
    }

    private void setRole(McuServer server, String id, String role) throws Exception {
        HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                        + "/api/v1/rooms/" + ROOM + "/participants/" + id + "/role"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"" + role + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, changed.statusCode(), changed.body());
    }

    private record Dialled(SyntheticParticipant participant, SipTestPhone.Outgoing call) {
    }

    private Dialled dial(McuServer server, String name, String user, double toneHz) throws Exception {
        SyntheticParticipant participant = new SyntheticParticipant(name, Codec.PCMU, null, 1, GREY, toneHz);
        toClose.add(participant);
        Dial.Answered answered = Dial.call(server, user, participant);
        toClose.add(answered.phone());
        return new Dialled(participant, answered.call());
    }
}
