package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Chromium;
import dev.mcu.app.testing.NetworkNamespace;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.encoder.AudioEncoder;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ladder's done-when with two real browsers on a 1280x720 canvas (issue 9, item 5): two headless
 * Chromium WHEP viewers of the same output, one of them in a network namespace whose link from the
 * server is held to {@value #LIMIT_KBPS} kbit/s by an nftables policer. The limited one ends on a
 * smaller layer (its decoded frameWidth; it is moved by the loss its receiver reports), the other
 * keeps 1280x720 and keeps decoding.
 *
 * <p><b>Not part of CI</b>: it runs only with {@code -Dladder.realBrowsers=true}
 * ({@code benchmarks/run-ladder-browsers.sh} runs it several times and counts). On this 2-core machine
 * at load 20-47 it passed 3 runs of 5: in the other two the unlimited Chromium's own receive-side
 * estimate (REMB, reading the abs-send-time we write) fell below 0.6 of what it got (669 of 1,504
 * kbit/s; 121 of 1,002), so the ladder moved it down as well, as its estimate asked: the real-browser
 * version is not reliable enough to gate a merge (docs/benchmarks.md has the runs). CI's ladder tests are {@link OutputLadderTest} (a Chromium viewer and a
 * synthetic receiver sending REMB 300 kbit/s) and RoomLadderTest.
 *
 * <p>Needs root (namespaces), iproute2, nftables and Chromium; skipped with the reason otherwise.
 */
class OutputLadderBrowsersTest {
    private static final String ADMIN = "ladder-browsers-admin-token";
    private static final String ROOM = "browsers";
    private static final int NOISE = 40;
    private static final int LIMIT_KBPS = 700;
    private final List<AutoCloseable> toClose = new ArrayList<>();

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
    void aBrowserBehindASlowLinkGetsASmallerLayerWhileTheOtherKeeps720p() throws Exception {
        assumeTrue(Boolean.getBoolean("ladder.realBrowsers"),
                "a soak, not CI: run benchmarks/run-ladder-browsers.sh (or -Dladder.realBrowsers=true in surefire.argLine)");
        assumeTrue(Chromium.installed(), "apt-get install chromium chromium-driver (.ci/run installs them)");
        Optional<String> noNamespace = NetworkNamespace.whyUnavailable();
        assumeTrue(noNamespace.isEmpty(), () -> "skipped: " + noNamespace.orElse(""));
        // JavaCPP's first native load on this thread while a server thread initializes Pointer can deadlock
        // (Loader's lock against Pointer's class init, seen once): load FFmpeg here before the server starts.
        AudioEncoder.create(Codec.OPUS).close();
        NetworkNamespace namespace = closeLater(NetworkNamespace.create());
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN,
                "sip.address=" + namespace.hostAddress(), "video.width=1280", "video.height=720",
                "video.bitrateKbps=1500"));
        String host = namespace.hostAddress();
        join(server, host, "red", ConferenceEndToEndTest.RED, 440);
        join(server, host, "green", ConferenceEndToEndTest.GREEN, 660);
        String page = "http://" + host + ":" + server.httpPort() + "/";

        ChromeDriver fast = closeLater(Chromium.withFakeDevices()).driver();
        ChromeDriver slow = closeLater(Chromium.inNamespace(namespace)).driver();
        namespace.limitRate(host, server.config().webrtc().port(), LIMIT_KBPS);
        for (ChromeDriver browser : List.of(fast, slow)) {
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            browser.get(page);
            String whep = String.valueOf(browser.executeAsyncScript(OutputLadderTest.WHEP, "/whep/" + ROOM));
            assertTrue(whep.startsWith("/whep/" + ROOM + "/"), whep);
        }
        Await.until(Duration.ofSeconds(30), () -> OutputLadderTest.number(OutputLadderTest.videoStats(fast), "framesDecoded") > 30,
                () -> "the unlimited viewer decodes no video: " + OutputLadderTest.videoStats(fast));
        Await.until(Duration.ofSeconds(60), () -> {
                    Map<String, Object> s = OutputLadderTest.videoStats(slow);
                    long width = OutputLadderTest.number(s, "frameWidth");
                    return width > 0 && width < 1280 && OutputLadderTest.number(s, "framesDecoded") > 30;
                }, () -> "the viewer behind " + LIMIT_KBPS + " kbit/s still decodes " + OutputLadderTest.videoStats(slow)
                        + " (" + dropped(namespace) + " datagrams dropped by the limit)");
        long slowDecoded = OutputLadderTest.number(OutputLadderTest.videoStats(slow), "framesDecoded");
        long fastDecoded = OutputLadderTest.number(OutputLadderTest.videoStats(fast), "framesDecoded");
        Await.until(Duration.ofSeconds(15), () -> OutputLadderTest.number(OutputLadderTest.videoStats(slow), "framesDecoded") > slowDecoded + 30
                        && OutputLadderTest.number(OutputLadderTest.videoStats(fast), "framesDecoded") > fastDecoded + 60,
                () -> "both keep decoding: " + OutputLadderTest.videoStats(fast) + " / " + OutputLadderTest.videoStats(slow));
        Map<String, Object> fastStats = OutputLadderTest.videoStats(fast);
        Map<String, Object> slowStats = OutputLadderTest.videoStats(slow);
        assertEquals(1280, OutputLadderTest.number(fastStats, "frameWidth"), "the unlimited viewer keeps 720p: " + fastStats);
        assertEquals(720, OutputLadderTest.number(fastStats, "frameHeight"), fastStats.toString());
        assertTrue(OutputLadderTest.number(slowStats, "frameWidth") < 1280, "the limited one stays below: " + slowStats);
        List<String> layers = new ArrayList<>();
        for (JsonNode p : participants(server)) {
            if ("whep".equals(p.path("transport").asText())) {
                layers.add(p.path("video").path("layer").asText());
            }
        }
        assertEquals(2, layers.size(), layers.toString());
        assertTrue(layers.contains("1280x720") && layers.stream().anyMatch(l -> !l.equals("1280x720")),
                "the API shows one viewer on 720p and one below: " + layers);
        System.out.println("OutputLadderBrowsersTest: unlimited " + fastStats + ", limited " + OutputLadderTest.videoStats(slow)
                + ", " + namespace.dropped() + " datagrams dropped");
    }

    private static JsonNode participants(McuServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + server.config().sip().address() + ":" + server.httpPort() + "/api/v1/rooms/"
                                + ROOM + "/participants"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(response.body());
    }

    private static String dropped(NetworkNamespace namespace) {
        try {
            return String.valueOf(namespace.dropped());
        } catch (java.io.IOException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private void join(McuServer server, String host, String name, int[] colour, double toneHz) throws Exception {
        SyntheticParticipant person = closeLater(new SyntheticParticipant(name, Codec.OPUS, Codec.H264, 1, colour, toneHz)
                .withVideoNoise(NOISE));
        SipTestPhone phone = closeLater(new SipTestPhone(host, server.config().sip().port(), "udp", name));
        SipTestPhone.Outgoing call = phone.invite(ROOM, person.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        person.start(answer.body());
    }
}
