package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipAudioDump;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.BaresipSipTrace;
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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A webinar with a real phone as its attendee: a speaker (a synthetic phone dialling the speaker
 * PIN, green, 1000 Hz) and baresip dialling no PIN (red, 440 Hz). Checked as the people in it
 * would: our answer makes baresip receive only, so its tone is not in the speaker's mix nor its
 * colour in the picture; its {@code *9} shows as a raised hand in the API and the events; promoted
 * through the API it gets a re-INVITE making the call sendrecv, hears the "you are live" cue,
 * starts muted, and after its {@code *6} its tone is in the speaker's mix and its red tile in the
 * composite; demoted, a re-INVITE takes it out again.
 *
 * <p>Skipped when baresip is not installed; {@code .ci/run} installs it.
 */
class WebinarSipTest {
    private static final String ADMIN = "webinar-sip-admin-token";
    private static final String ROOM = "town";
    private static final String SPEAKER_PIN = "2468";
    private static final int[] GREEN = {145, 54, 34};
    private static final int[] RED = {81, 90, 240};
    private static final double SPEAKER_HZ = 1000;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;
    private SyntheticParticipant speaker;
    private BaresipPhone baresip;

    @TempDir
    Path baresipDir;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aPhoneAttendeeIsViewOnlyRaisesItsHandAndIsPromotedAndDemoted() throws Exception {
        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "video.layout=grid", "webinar.attendeeAudioForDtmf=true", "rooms.list=[{name: " + ROOM + ", mode: webinar, speakerPin: '" + SPEAKER_PIN + "'}]");
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        int sipPort = server.config().sip().port();

        speaker = new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, GREEN, SPEAKER_HZ);
        toClose.add(speaker);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", sipPort, "udp", speaker.name());
        toClose.add(phone);
        SipTestPhone.Outgoing speakerCall = phone.invite(ROOM + "*" + SPEAKER_PIN, speaker.offer());
        PhoneResponse answer = speakerCall.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        speakerCall.ack();
        speaker.start(answer.body());

        Path record = Files.createDirectories(Path.of("target", "webinar-sip"));
        baresip = BaresipPhone.dial(baresipDir, "sip:" + ROOM + "@127.0.0.1:" + sipPort, "h264");
        toClose.add(baresip);
        baresip.keepOutputsWhenClosedIn(record);

        // Joined as an attendee, answered view-only: baresip receives, and sends us nothing.
        Await.until(Duration.ofSeconds(15), () -> attendee().isPresent(),
                () -> "baresip is not listed as an attendee: " + participants() + "\n" + baresip.log());
        String id = attendee().orElseThrow().get("id").asText();
        String ourAnswer = baresip.sipTrace().answer().orElseThrow();
        // baresip 1.0 sends DTMF only as RFC 4733 events: its audio stays open for them (attendeeAudioForDtmf)
        assertTrue(ourAnswer.matches("(?s).*m=video.*a=sendonly.*") && !ourAnswer.matches("(?s).*m=video.*a=sendrecv.*"),
                "our answer makes the attendee's video receive only:\n" + ourAnswer);
        // (baresip 1.0 decodes what it receives only while it sends: what it hears is checked once promoted)
        Await.until(Duration.ofSeconds(15), () -> participant(id).get("audio").get("packetsOut").asLong() > 50,
                () -> "the attendee is sent no audio: " + participant(id));
        Await.until(Duration.ofSeconds(10), () -> speakerSeesOnly(GREEN),
                () -> "the speaker's picture: " + describe(speaker.lastPicture()));
        assertTrue(speakerHears(BaresipPhone.TONE_HZ) < SyntheticParticipant.TONE_AMPLITUDE * 0.05,
                "the attendee is heard: " + speakerHears(BaresipPhone.TONE_HZ));

        // *9: a raised hand in the API and the events.
        baresip.pressKeys("*9");
        Await.until(Duration.ofSeconds(10), () -> participant(id).get("handRaised").asBoolean(),
                () -> "no raised hand: " + participant(id) + "\n" + tail(baresip.log()));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("participant.hand") && id.equals(e.participant())
                && Boolean.TRUE.equals(e.fields().get("raised"))), events.toString());

        // Promoted: a re-INVITE makes the call sendrecv, the phone hears it is live, and it starts muted.
        assertEquals(204, api("POST", "/api/v1/rooms/" + ROOM + "/participants/" + id + "/role", "{\"role\":\"speaker\"}")
                .statusCode());
        Await.until(Duration.ofSeconds(10), () -> reInvites(baresip).stream()
                        .anyMatch(sdp -> sdp.matches("(?s).*m=video.*a=sendrecv.*")),
                () -> "baresip got no re-INVITE offering sendrecv:\n" + tail(baresip.log()));
        Await.until(Duration.ofSeconds(10), this::heardTheLiveCue,
                () -> "baresip did not hear the live cue: " + baresipTones());
        Await.until(Duration.ofSeconds(10), () -> baresipHears(SPEAKER_HZ) > 1000,
                () -> "the promoted attendee does not hear the speaker: " + baresipTones());
        JsonNode promoted = participant(id);
        assertEquals("speaker", promoted.get("role").asText());
        assertTrue(promoted.get("audio").get("muted").asBoolean(), "promoted attendees start muted: " + promoted);
        assertTrue(speakerHears(BaresipPhone.TONE_HZ) < SyntheticParticipant.TONE_AMPLITUDE * 0.05,
                "heard while muted: " + speakerHears(BaresipPhone.TONE_HZ));

        // *6 unmutes: its tone reaches the speaker, and its red tile is in the composite.
        baresip.pressKeys("*6");
        Await.until(Duration.ofSeconds(15), () -> speakerHears(BaresipPhone.TONE_HZ) > SyntheticParticipant.TONE_AMPLITUDE * 0.3,
                () -> "the speaker does not hear the promoted attendee: " + speakerHears(BaresipPhone.TONE_HZ)
                        + "; " + participant(id));
        assertFalse(participant(id).get("audio").get("muted").asBoolean());
        Await.until(Duration.ofSeconds(15), () -> speakerSeesTiles(speaker.lastPicture()),
                () -> "no red tile beside the green one: " + describe(speaker.lastPicture()));

        // Demoted: a re-INVITE takes its media out again.
        int reInvitesBefore = reInvites(baresip).size();
        assertEquals(204, api("POST", "/api/v1/rooms/" + ROOM + "/participants/" + id + "/role", "{\"role\":\"attendee\"}")
                .statusCode());
        Await.until(Duration.ofSeconds(10), () -> reInvites(baresip).size() > reInvitesBefore
                        && reInvites(baresip).get(reInvites(baresip).size() - 1).matches("(?s).*m=video.*a=sendonly.*"),
                () -> "no re-INVITE making baresip receive only:\n" + tail(baresip.log()));
        Await.until(Duration.ofSeconds(10), () -> speakerHears(BaresipPhone.TONE_HZ) < SyntheticParticipant.TONE_AMPLITUDE * 0.05
                        && speakerSeesOnly(GREEN), () -> "still heard or seen after demotion: "
                + speakerHears(BaresipPhone.TONE_HZ) + ", " + describe(speaker.lastPicture()));
        assertEquals("attendee", participant(id).get("role").asText());
        assertTrue(baresip.isRunning(), "baresip is still in the call:\n" + tail(baresip.log()));
    }

    @Test
    void byDefaultAnAttendeeIsAnsweredReceiveOnlyAndRaisesItsHandBySipInfo() throws Exception {
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "rooms.list=[{name: " + ROOM + ", mode: webinar, speakerPin: '" + SPEAKER_PIN + "'}]");
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        int sipPort = server.config().sip().port();
        speaker = new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, GREEN, SPEAKER_HZ);
        toClose.add(speaker);
        SipTestPhone speakerPhone = new SipTestPhone("127.0.0.1", sipPort, "udp", "speaker");
        toClose.add(speakerPhone);
        SipTestPhone.Outgoing speakerCall = speakerPhone.invite(ROOM + "*" + SPEAKER_PIN, speaker.offer());
        PhoneResponse speakerAnswer = speakerCall.awaitFinal();
        assertEquals(200, speakerAnswer.status(), speakerAnswer.reason());
        speakerCall.ack();
        speaker.start(speakerAnswer.body());

        // The attendee offers sendrecv audio and video and sends its tone and red picture all the same.
        SyntheticParticipant attendee = new SyntheticParticipant("red", Codec.PCMU, Codec.H264, 1, RED, 700);
        toClose.add(attendee);
        SipTestPhone attendeePhone = new SipTestPhone("127.0.0.1", sipPort, "udp", "attendee");
        toClose.add(attendeePhone);
        SipTestPhone.Outgoing attendeeCall = attendeePhone.invite(ROOM, attendee.offer());
        PhoneResponse answer = attendeeCall.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        attendeeCall.ack();
        attendee.start(answer.body());
        assertFalse(answer.body().contains("a=sendrecv"), "receive-only for the attendee:\n" + answer.body());
        assertEquals(2, answer.body().split("a=sendonly", -1).length - 1, "audio and video sendonly:\n" + answer.body());

        Await.until(Duration.ofSeconds(10), () -> attendee().isPresent(), () -> "no attendee: " + participants());
        String id = attendee().orElseThrow().get("id").asText();
        Await.until(Duration.ofSeconds(15), () -> Tones.amplitude(attendee.lastHeard(Audio.SAMPLE_RATE / 2), SPEAKER_HZ,
                Audio.SAMPLE_RATE) > SyntheticParticipant.TONE_AMPLITUDE * 0.3, () -> "the attendee does not hear the speaker");
        Await.until(Duration.ofSeconds(15), () -> speakerSeesOnly(GREEN), () -> describe(speaker.lastPicture()));
        assertTrue(speakerHears(700) < SyntheticParticipant.TONE_AMPLITUDE * 0.05, "the attendee is heard");
        assertEquals(0, participant(id).get("audio").get("packetsIn").asLong(), "nothing of the attendee taken: "
                + participant(id));

        // *9 by SIP INFO dtmf-relay (RFC 4733 cannot travel in a receive-only call).
        assertEquals(200, attendeeCall.info("application", "dtmf-relay", "Signal=*\r\nDuration=160\r\n").status());
        assertEquals(200, attendeeCall.info("application", "dtmf-relay", "Signal=9\r\nDuration=160\r\n").status());
        Await.until(Duration.ofSeconds(5), () -> participant(id).get("handRaised").asBoolean(), () -> participant(id).toString());
        assertEquals(200, attendeeCall.info("application", "dtmf-relay", "Signal=*\r\nDuration=160\r\n").status());
        assertEquals(200, attendeeCall.info("application", "dtmf-relay", "Signal=9\r\nDuration=160\r\n").status());
        Await.until(Duration.ofSeconds(5), () -> !participant(id).get("handRaised").asBoolean(), () -> participant(id).toString());
        assertEquals(2, events.stream().filter(e -> e.type().equals("participant.hand") && id.equals(e.participant())).count(),
                events.toString());
    }

    // --- the API ---

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode participants() {
        try {
            return Json.MAPPER.readTree(api("GET", "/api/v1/rooms/" + ROOM + "/participants", null).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<JsonNode> attendee() {
        for (JsonNode p : participants()) {
            if (p.get("role").asText().equals("attendee")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private JsonNode participant(String id) {
        for (JsonNode p : participants()) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no participant " + id + " in " + participants());
    }

    // --- what the speaker hears and sees ---

    private double speakerHears(double hz) {
        return Tones.amplitude(speaker.lastHeard(Audio.SAMPLE_RATE / 2), hz, Audio.SAMPLE_RATE);
    }

    private boolean speakerSeesOnly(int[] yuv) {
        I420Frame picture = speaker.lastPicture();
        return picture != null && chromaNear(picture, picture.width() / 2, picture.height() / 2, yuv)
                && chromaNear(picture, picture.width() / 8, picture.height() / 2, yuv);
    }

    /** Two tiles side by side in the grid: the speaker's green (joined first) and the promoted red. */
    private static boolean speakerSeesTiles(I420Frame picture) {
        return picture != null && chromaNear(picture, picture.width() / 4, picture.height() / 2, GREEN)
                && chromaNear(picture, 3 * picture.width() / 4, picture.height() / 2, RED);
    }

    private static boolean chromaNear(I420Frame picture, int x, int y, int[] yuv) {
        return Math.abs(picture.uAt(x, y) - yuv[1]) <= 24 && Math.abs(picture.vAt(x, y) - yuv[2]) <= 24;
    }

    private static String describe(I420Frame picture) {
        if (picture == null) {
            return "no picture";
        }
        StringBuilder out = new StringBuilder();
        for (int x : new int[] {picture.width() / 4, picture.width() / 2, 3 * picture.width() / 4}) {
            out.append(String.format(" UV(%d,%d) at x=%d", picture.uAt(x, picture.height() / 2),
                    picture.vAt(x, picture.height() / 2), x));
        }
        return out.toString();
    }

    // --- what baresip hears and got ---

    private double baresipHears(double hz) {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return 0;
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 0.5);
            return Tones.amplitude(tail.samples(), hz, tail.sampleRate());
        } catch (IOException e) {
            return 0;
        }
    }

    private String baresipTones() {
        return String.format("%.0f Hz=%.0f, %.0f Hz=%.0f", SPEAKER_HZ, baresipHears(SPEAKER_HZ), LIVE_CUE_HZ,
                baresipHears(LIVE_CUE_HZ));
    }

    /** The room's "you are live" cue (conference LiveTone): 1750 Hz beeps, 600 ms in all. */
    private static final double LIVE_CUE_HZ = 1750;

    /** Whether any 200 ms of the last 5 s baresip decoded carries the cue. */
    private boolean heardTheLiveCue() {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return false;
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 5);
            int window = tail.sampleRate() / 5;
            for (int at = 0; at + window <= tail.samples().length; at += window / 2) {
                if (Tones.amplitude(tail.samples(), at, window, LIVE_CUE_HZ, tail.sampleRate()) > 2000) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The SDP of every re-INVITE baresip received from the server. */
    private List<String> reInvites(BaresipPhone baresip) {
        String fromServer = " 127.0.0.1:" + server.config().sip().port() + " -> ";
        List<String> out = new ArrayList<>();
        for (BaresipSipTrace.Message m : baresip.sipTrace().messages()) {
            if (m.startLine().startsWith("INVITE ") && m.route().contains(fromServer) && !m.sdp().isEmpty()) {
                out.add(m.sdp());
            }
        }
        return out;
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
