package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipAudioDump;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.Chromium;
import dev.mcu.app.testing.FakeCamera;
import dev.mcu.app.testing.FakeMicrophone;
import dev.mcu.app.testing.TestServers;
import dev.mcu.app.testing.WebRtcInPage;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The webinar as its people live it (issue #9's done-when): a {@code mode: webinar} room with two
 * speakers, a SIP phone (baresip dialling the speaker PIN, blue, 1000 Hz) and a browser (headless
 * Chromium on the join page with the speaker PIN, a green fake camera and a 700 Hz fake
 * microphone), and three attendees: baresip dialling no PIN (red, 440 Hz; its audio is open for
 * RFC 4733 keys, so it does send its tone), a browser joined in view-only mode, and a WHEP player.
 *
 * <p>Every attendee sees blue and green and hears 1000 and 700 Hz, and nobody gets the
 * attendee's red or 440 Hz. The phone attendee's {@code *9} is a raised hand in the API and on
 * the SSE stream; the host (the API with the admin token) promotes it and its red and 440 Hz reach
 * the other attendees and both speakers; demoted, they are gone again.
 *
 * <p>What each one sees and hears is read where a person would: baresip's decoded audio and a
 * snapshot of its decoded video, and in Chromium the played video drawn into a canvas and the
 * played audio through a Web Audio analyser. Skipped without baresip or Chromium; {@code .ci/run}
 * installs both. Test thread only.
 */
class WebinarEndToEndTest {
    private static final String ADMIN = "webinar-e2e-admin-token";
    private static final String ROOM = "town";
    private static final String SPEAKER_PIN = "2468";
    private static final String HOST_PIN = "9911";
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(20);

    /** The phone speaker: lavfi's "blue", and its tone. */
    private static final int[] BLUE_RGB = {0, 0, 255};
    private static final double PHONE_SPEAKER_HZ = 1000;
    /** The browser speaker's camera, {Y, U, V} (RGB 0, 255, 0), and its microphone's tone. */
    private static final int[] GREEN_YUV = {145, 54, 34};
    private static final int[] GREEN_RGB = {0, 255, 0};
    private static final double BROWSER_SPEAKER_HZ = 700;
    /** The phone attendee: lavfi's "red", and its tone. */
    private static final int[] RED_RGB = {255, 0, 0};
    private static final double ATTENDEE_HZ = BaresipPhone.TONE_HZ;

    /** A colour is in a picture when this share of it is close to the colour (one tile is ~19 %). */
    private static final double SEEN = 0.04;
    private static final double NOT_SEEN = 0.005;
    /** A tone is heard above this amplitude (16-bit sample units) and absent below the other. */
    private static final double HEARD = 300;
    private static final double NOT_HEARD = 150;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String> sse = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;

    @TempDir
    Path dir;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void attendeesGetTheSpeakersOnlyAndAPromotedPhoneReachesEveryoneUntilDemoted() throws Exception {
        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));
        assumeTrue(Chromium.installed(), "apt-get install chromium chromium-driver (.ci/run installs them)");
        server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort(), "sip.wsPort=" + TestServers.freeSipPort(),
                "admin.token=" + ADMIN, "video.layout=grid", "video.showNames=false",
                "webinar.attendeeAudioForDtmf=true", "webinar.promotedStartMuted=false",
                "rooms.list=[{name: " + ROOM + ", mode: webinar, speakerPin: '" + SPEAKER_PIN + "', hostPin: '" + HOST_PIN + "'}]"));
        followEvents();
        String base = "http://127.0.0.1:" + server.httpPort();
        String sip = "@127.0.0.1:" + server.config().sip().port();

        // The browsers first (they take longest to start), then the phones (baresip quits after 90 s).
        Chromium speakerBrowser = closeLater(Chromium.withFakeFiles(
                FakeCamera.writeClip(dir.resolve("green.y4m"), 320, 240, 50, GREEN_YUV),
                FakeMicrophone.writeTone(dir.resolve("tone.wav"), BROWSER_SPEAKER_HZ, 20000, 2)));
        JoinPage speakerPage = new JoinPage(speakerBrowser);
        speakerPage.open(base, ROOM);
        Await.until(Duration.ofSeconds(5), () -> speakerPage.visible("pin-row") && speakerPage.visible("viewer-row"),
                () -> "the webinar's lobby offers no PIN field or viewer option");
        speakerPage.click("viewer"); // a speaker sends: off with the viewer mode a webinar picks by default
        speakerPage.byId("pin").sendKeys(SPEAKER_PIN);
        speakerPage.join("Sam Speaker");
        speakerPage.awaitPhase("in-call", MEDIA_TIMEOUT);

        Chromium viewerBrowser = closeLater(Chromium.withDevicesBlocked()); // any camera prompt would fail
        JoinPage viewerPage = new JoinPage(viewerBrowser);
        viewerPage.open(base, ROOM);
        assertTrue(viewerPage.byId("viewer").isSelected(), "attendees of a webinar watch by default");
        viewerPage.join("Vera Viewer");
        viewerPage.awaitPhase("in-call", MEDIA_TIMEOUT);
        viewerBrowser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        String whep = WebRtcInPage.whep(viewerBrowser.driver(), "/whep/" + ROOM, "whep", false);
        assertTrue(whep.startsWith("/whep/" + ROOM + "/"), "the WHEP player: " + whep);

        BaresipPhone phoneSpeaker = closeLater(BaresipPhone.dial(Files.createDirectories(dir.resolve("speaker")),
                "sip:" + ROOM + "*" + SPEAKER_PIN + sip, "h264", PHONE_SPEAKER_HZ, "blue"));
        BaresipPhone phoneAttendee = closeLater(BaresipPhone.dial(Files.createDirectories(dir.resolve("attendee")),
                "sip:" + ROOM + sip, "h264"));
        Path kept = Files.createDirectories(Path.of("target", "webinar-e2e"));
        phoneSpeaker.keepOutputsWhenClosedIn(Files.createDirectories(kept.resolve("speaker")));
        phoneAttendee.keepOutputsWhenClosedIn(Files.createDirectories(kept.resolve("attendee")));

        Await.until(MEDIA_TIMEOUT, () -> roles().equals(Map.of("speaker", 2L, "attendee", 3L)),
                () -> "wanted 2 speakers and 3 attendees: " + participants() + "\n" + phoneSpeaker.log());
        String attendeeId = phoneAttendeeId();

        // Every attendee gets both speakers and not the phone attendee, which does send its tone.
        List<Receiver> attendees = List.of(browser("the view-only page", viewerPage, "page"),
                browser("the WHEP player", viewerPage, "whep"), phone("the phone attendee", phoneAttendee, "attendee"));
        for (Receiver attendee : attendees) {
            awaitSeesAndHears(attendee, BLUE_RGB, PHONE_SPEAKER_HZ, "the phone speaker");
            awaitSeesAndHears(attendee, GREEN_RGB, BROWSER_SPEAKER_HZ, "the browser speaker");
        }
        Await.until(Duration.ofSeconds(15), () -> participant(attendeeId).get("audio").get("packetsIn").asLong() > 50,
                () -> "the phone attendee sends no audio, so not sending it on proves nothing: " + participant(attendeeId));
        for (Receiver attendee : attendees) {
            assertNeitherSeenNorHeard(attendee, "before promotion");
            System.out.println("before promotion, " + attendee.name + ": " + attendee.describe());
        }

        // *9 on the phone: a raised hand in the API and on the SSE stream.
        phoneAttendee.pressKeys("*9");
        Await.until(Duration.ofSeconds(10), () -> participant(attendeeId).get("handRaised").asBoolean(),
                () -> "no raised hand in the API: " + participant(attendeeId));
        Await.until(Duration.ofSeconds(5), () -> sse.stream().anyMatch(l -> l.startsWith("data:")
                && l.contains("\"participant.hand\"") && l.contains("\"participant\":\"" + attendeeId + "\"")
                && l.contains("\"raised\":true")), () -> "no participant.hand event on the SSE stream: " + sse);

        // The host promotes it: its red and 440 Hz reach the attendees and both speakers.
        assertEquals(204, api("POST", "/api/v1/rooms/" + ROOM + "/participants/" + attendeeId + "/role",
                "{\"role\":\"speaker\"}").statusCode());
        List<Receiver> everyoneElse = List.of(attendees.get(0), attendees.get(1), browser("the browser speaker", speakerPage, "page"),
                phone("the phone speaker", phoneSpeaker, "speaker"));
        for (Receiver other : everyoneElse) {
            awaitSeesAndHears(other, RED_RGB, ATTENDEE_HZ, "the promoted phone");
            System.out.println("promoted, " + other.name + ": " + other.describe());
        }
        assertEquals("speaker", participant(attendeeId).get("role").asText());
        assertFalse(participant(attendeeId).get("handRaised").asBoolean(), "promotion lowers the hand it answered");
        Await.until(Duration.ofSeconds(5), () -> sse.stream().anyMatch(l -> l.startsWith("data:")
                && l.contains("\"participant.hand\"") && l.contains("\"participant\":\"" + attendeeId + "\"")
                && l.contains("\"raised\":false")), () -> "no lowered hand on the SSE stream: " + sse);

        // Demoted: gone again for everyone.
        assertEquals(204, api("POST", "/api/v1/rooms/" + ROOM + "/participants/" + attendeeId + "/role",
                "{\"role\":\"attendee\"}").statusCode());
        for (Receiver other : everyoneElse) {
            Await.until(MEDIA_TIMEOUT, () -> other.share(RED_RGB) < NOT_SEEN && other.hears(ATTENDEE_HZ) < NOT_HEARD,
                    () -> other.name + " still gets the demoted phone: " + other.describe());
            System.out.println("demoted, " + other.name + ": " + other.describe());
        }
        assertEquals("attendee", participant(attendeeId).get("role").asText());
        assertTrue(phoneAttendee.isRunning(), "the demoted phone is still in the call:\n" + phoneAttendee.log());
    }

    private void awaitSeesAndHears(Receiver receiver, int[] rgb, double hz, String whom) throws InterruptedException {
        Await.until(MEDIA_TIMEOUT, () -> receiver.share(rgb) > SEEN && receiver.hears(hz) > HEARD,
                () -> receiver.name + " does not see and hear " + whom + ": " + receiver.describe());
    }

    private static void assertNeitherSeenNorHeard(Receiver attendee, String when) {
        double red = attendee.share(RED_RGB);
        double tone = attendee.hears(ATTENDEE_HZ);
        assertTrue(red < NOT_SEEN && tone < NOT_HEARD, attendee.name + " gets the phone attendee " + when + ": "
                + attendee.describe());
    }

    // --- who receives, and what they see and hear ---

    /** Someone in the webinar, read where its user would look and listen. */
    private abstract static class Receiver {
        final String name;

        Receiver(String name) {
            this.name = name;
        }

        /** The share of the newest picture close to a colour; 0 with no picture yet. */
        abstract double share(int[] rgb);

        /** The amplitude of a tone in the newest audio played; 0 with no audio yet. */
        abstract double hears(double hz);

        String describe() {
            return String.format("blue %.3f, green %.3f, red %.3f; %.0f Hz %.0f, %.0f Hz %.0f, %.0f Hz %.0f",
                    share(BLUE_RGB), share(GREEN_RGB), share(RED_RGB), PHONE_SPEAKER_HZ, hears(PHONE_SPEAKER_HZ),
                    BROWSER_SPEAKER_HZ, hears(BROWSER_SPEAKER_HZ), ATTENDEE_HZ, hears(ATTENDEE_HZ));
        }
    }

    /** A page's played video and audio: the join page's {@code #remote}, or the WHEP player's element. */
    private static Receiver browser(String name, JoinPage page, String which) {
        return new Receiver(name) {
            @Override
            double share(int[] rgb) {
                Object share = page.js(COLOUR_SHARE, which, rgb[0], rgb[1], rgb[2]);
                return share == null ? 0 : ((Number) share).doubleValue();
            }

            @Override
            double hears(double hz) {
                Object played = page.js(PLAYED_AUDIO, which);
                if (!(played instanceof Map<?, ?> audio)) {
                    return 0;
                }
                List<?> values = (List<?>) audio.get("samples");
                short[] samples = new short[values.size()];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = (short) ((Number) values.get(i)).intValue();
                }
                return Tones.amplitude(samples, hz, ((Number) audio.get("rate")).intValue());
            }
        };
    }

    /** baresip's decoded audio (its sndfile dump) and a snapshot of the next frame it decodes. */
    private static Receiver phone(String name, BaresipPhone phone, String label) {
        return new Receiver(name) {
            private int snapshots;

            @Override
            double share(int[] rgb) {
                try {
                    Path png = Files.createTempFile("snap-" + label, ".png");
                    Files.delete(png);
                    phone.requestReceivedSnapshot(png);
                    long until = System.nanoTime() + 2_000_000_000L;
                    while (!Files.exists(png) || Files.size(png) == 0) {
                        if (System.nanoTime() > until) {
                            return 0;
                        }
                        Thread.sleep(50);
                    }
                    Thread.sleep(100); // written in one go, but give the writer its close
                    BufferedImage image = ImageIO.read(png.toFile());
                    Files.deleteIfExists(png);
                    snapshots++;
                    return image == null ? 0 : colourShare(image, rgb);
                } catch (IOException e) {
                    return 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }

            @Override
            double hears(double hz) {
                try {
                    Optional<Path> dump = phone.receivedAudioDump();
                    if (dump.isEmpty()) {
                        return 0;
                    }
                    BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 0.3);
                    return Tones.amplitude(tail.samples(), hz, tail.sampleRate());
                } catch (IOException e) {
                    return 0;
                }
            }

            @Override
            String describe() {
                return super.describe() + " (" + snapshots + " snapshots)";
            }
        };
    }

    private static double colourShare(BufferedImage image, int[] rgb) {
        int near = 0;
        int counted = 0;
        for (int y = 1; y < image.getHeight(); y += 4) {
            for (int x = 1; x < image.getWidth(); x += 4) {
                int p = image.getRGB(x, y);
                int distance = Math.abs((p >> 16 & 0xff) - rgb[0]) + Math.abs((p >> 8 & 0xff) - rgb[1]) + Math.abs((p & 0xff) - rgb[2]);
                counted++;
                if (distance < 90) {
                    near++;
                }
            }
        }
        return counted == 0 ? 0 : (double) near / counted;
    }

    /** The share of the played picture's pixels close to an RGB colour. */
    private static final String COLOUR_SHARE = """
            const [which, r, g, b] = arguments;
            const video = document.getElementById(which === 'whep' ? 'whep-player' : 'remote');
            if (!video || video.videoWidth === 0) return 0;
            const canvas = document.createElement('canvas');
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(video, 0, 0);
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let near = 0;
            for (let i = 0; i < px.length; i += 16) {
              if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 90) near++;
            }
            return near / (px.length / 16);
            """;

    /** The last ~340 ms of the played audio, through a Web Audio analyser made on first use. */
    private static final String PLAYED_AUDIO = """
            const [which] = arguments;
            window.meters = window.meters || {};
            let meter = window.meters[which];
            if (!meter) {
              const video = document.getElementById(which === 'whep' ? 'whep-player' : 'remote');
              const stream = video && video.srcObject;
              if (!stream || stream.getAudioTracks().length === 0) return null;
              const ctx = new AudioContext();
              const analyser = ctx.createAnalyser();
              analyser.fftSize = 16384;
              ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser);
              ctx.resume();
              meter = window.meters[which] = {ctx, analyser};
            }
            const data = new Float32Array(meter.analyser.fftSize);
            meter.analyser.getFloatTimeDomainData(data);
            return {rate: meter.ctx.sampleRate, samples: Array.from(data, x => Math.round(x * 32767))};
            """;

    // --- the API and its events ---

    private void followEvents() throws Exception {
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.httpPort() + "/api/v1/events?room=" + ROOM)).header("Authorization", "Bearer " + ADMIN).build(),
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

    private JsonNode participants() {
        try {
            return Json.MAPPER.readTree(api("GET", "/api/v1/rooms/" + ROOM + "/participants", null).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Long> roles() {
        Map<String, Long> roles = new LinkedHashMap<>();
        JsonNode list = participants();
        if (list.isArray()) {
            list.forEach(p -> roles.merge(p.get("role").asText(), 1L, Long::sum));
        }
        return roles;
    }

    private String phoneAttendeeId() {
        for (JsonNode p : participants()) {
            if (p.get("role").asText().equals("attendee") && p.get("transport").asText().equals("udp")) {
                return p.get("id").asText();
            }
        }
        throw new AssertionError("no SIP attendee in " + participants());
    }

    private JsonNode participant(String id) {
        for (JsonNode p : participants()) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no participant " + id + " in " + participants());
    }
}
