package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Chromium;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.app.testing.WebRtcInPage;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium publishes into a room by WHIP and watches its program by WHEP, on the server's
 * one WebRTC port; a SIP phone in the same room sees the publisher's picture. Also the answers to
 * mistakes (415, 400, 404, 405).
 */
class WhipWhepBrowserTest {
    static final int[] RED = {81, 90, 240};
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

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

    private static final String STATS = """
            const [which, done] = arguments;
            const pc = window.pcs[which];
            pc.getStats().then(stats => {
              const out = {state: pc.connectionState, framesDecoded: 0, audioPackets: 0, framesSent: 0};
              stats.forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
                if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioPackets += s.packetsReceived || 0;
                if (s.type === 'outbound-rtp' && s.kind === 'video') out.framesSent += s.framesEncoded || 0;
              });
              done(out);
            });
            """;

    @Test
    void chromiumPublishesByWhipAndWatchesTheProgramByWhepOnTheOneWebRtcPort() throws Exception {
        Assumptions.assumeTrue(Chromium.installed(), "apt-get install chromium chromium-driver (.ci/run installs them)");
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort()));
        String base = "http://127.0.0.1:" + server.httpPort();
        SyntheticParticipant phone = closeLater(new SyntheticParticipant("red", Codec.G722, Codec.H264, 1, RED, 440));
        SipTestPhone sip = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "red"));
        SipTestPhone.Outgoing call = sip.invite("webinar", phone.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        phone.start(answer.body());

        Chromium chromium = closeLater(Chromium.withFakeDevices());
        ChromeDriver browser = chromium.driver();
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        browser.get(base + "/");
        String whip = WebRtcInPage.whip(browser, "/whip/webinar", "whip");
        assertTrue(whip.startsWith("/whip/webinar/"), whip);
        String whep = WebRtcInPage.whep(browser, "/whep/webinar", "whep", false);
        assertTrue(whep.startsWith("/whep/webinar/"), whep);

        Await.until(Duration.ofSeconds(30), () -> stats(browser, "whep").get("framesDecoded") instanceof Number n
                        && n.longValue() > 30 && ((Number) stats(browser, "whep").get("audioPackets")).longValue() > 50,
                () -> "the WHEP viewer does not receive the program: " + stats(browser, "whep"));
        Await.until(Duration.ofSeconds(30), () -> "connected".equals(stats(browser, "whip").get("state"))
                        && phoneSeesASecondPicture(phone),
                () -> "the phone does not see the WHIP publisher: " + stats(browser, "whip") + "; "
                        + server.roomSnapshot("webinar").map(Object::toString).orElse("no room"));
        assertEquals(3, server.roomSnapshot("webinar").orElseThrow().participants(), "phone, publisher, viewer");

        assertEquals(200, send("DELETE", base + whep, null, null).statusCode());
        assertEquals(200, send("DELETE", base + whip, null, null).statusCode());
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("webinar").orElseThrow().participants() == 1,
                () -> "the WHIP/WHEP sessions did not leave: " + server.roomSnapshot("webinar"));
        assertEquals(404, send("DELETE", base + whip, null, null).statusCode(), "a session ends once");
    }

    @Test
    void mistakesGetTheAnswersRfc9725Names() throws Exception {
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort()));
        String base = "http://127.0.0.1:" + server.httpPort();
        SyntheticParticipant phone = closeLater(new SyntheticParticipant("red", Codec.PCMU, null, 0, RED, 440));
        SipTestPhone sip = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "red"));
        SipTestPhone.Outgoing call = sip.invite("webinar", phone.offer());
        assertEquals(200, call.awaitFinal().status());
        call.ack();

        assertAnswer(send("POST", base + "/whip/webinar", "text/plain", "v=0"), 415, "application/sdp");
        assertAnswer(send("POST", base + "/whip/webinar", "application/sdp", "not sdp"), 400, "not valid SDP");
        assertAnswer(send("POST", base + "/whip/webinar", "application/sdp", phone.offer()), 400, "not a WebRTC offer");
        assertAnswer(send("POST", base + "/whep/nobody", "application/sdp", phone.offer()), 404, "no room named 'nobody'");
        assertAnswer(send("PATCH", base + "/whip/webinar/abc", "application/trickle-ice-sdpfrag", "a=x"), 405, "ICE-lite");
        assertAnswer(send("DELETE", base + "/whip/webinar/abc", null, null), 404, "no such WHIP/WHEP session");
    }

    @Test
    void aRoomWithAPinWantsItAsTheBearerToken() throws Exception {
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort(), "rooms.list=[{name: board, pin: '1234'}]"));
        String base = "http://127.0.0.1:" + server.httpPort();
        SyntheticParticipant phone = closeLater(new SyntheticParticipant("red", Codec.PCMU, null, 0, RED, 440));
        SipTestPhone sip = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "red"));
        SipTestPhone.Outgoing call = sip.invite("board*1234", phone.offer());
        assertEquals(200, call.awaitFinal().status());
        call.ack();

        assertAnswer(send("POST", base + "/whip/board", "application/sdp", phone.offer()), 401, "needs its speakerPin");
        assertAnswer(sendWithToken(base + "/whip/board", "9999", phone.offer()), 401, "wrong token");
        // The right PIN gets past the door; this offer is then refused for what it is.
        assertAnswer(sendWithToken(base + "/whip/board", "1234", phone.offer()), 400, "not a WebRTC offer");
    }

    private HttpResponse<String> sendWithToken(String url, String token, String sdp) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(sdp)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean phoneSeesASecondPicture(SyntheticParticipant phone) {
        I420Frame picture = phone.lastPicture();
        if (picture == null) {
            return false;
        }
        // Two tiles side by side: the right one is the publisher's camera, neither black nor red.
        int x = picture.width() * 3 / 4;
        int y = picture.height() / 2;
        return picture.lumaAt(x, y) > 40 && Math.abs(picture.vAt(x, y) - RED[2]) > 40;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats(ChromeDriver browser, String which) {
        return (Map<String, Object>) browser.executeAsyncScript(STATS, which);
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String words) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(words), response.body());
    }

    private HttpResponse<String> send(String method, String url, String type, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (type != null) {
            request.header("Content-Type", type);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
