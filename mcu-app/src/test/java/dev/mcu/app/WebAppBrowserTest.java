package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Chromium;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TcpRelay;
import dev.mcu.app.testing.TestServers;
import dev.mcu.app.testing.UdpPortBlock;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web app in headless Chromium against a real server, as a person uses it: the pre-join
 * screen, joining, mute and unmute, leave and rejoin (the buttons must say what the tracks do),
 * a PIN room asking for its PIN, and the refusals put into words. Each state is also kept as a
 * screenshot at 1280x800 and 390x844 under target/web-screenshots (docs/screenshots has copies).
 */
class WebAppBrowserTest {
    static final Path SHOTS = Path.of("target", "web-screenshots");
    private static final int[] BLUE = {41, 240, 110};
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(Chromium.installed(),
                "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
    }

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

    private McuServer server(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("sip.wsPort=" + TestServers.freeSipPort(), "http.port=" + TestServers.freeSipPort()));
        all.addAll(List.of(overrides));
        return closeLater(TestServers.start(all.toArray(String[]::new)));
    }

    private static String baseUrl(McuServer server) {
        return "http://127.0.0.1:" + server.config().http().port();
    }

    /** A SIP phone in the room showing a blue picture, so the composite has someone else in it. */
    private void phoneJoins(McuServer server, String room) throws Exception {
        SyntheticParticipant phone = closeLater(new SyntheticParticipant("bluephone", Codec.OPUS, Codec.H264, 1, BLUE, 700));
        SipTestPhone sip = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", phone.name()));
        SipTestPhone.Outgoing call = sip.invite(room, phone.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), "the SIP phone was not let in: " + answer.reason());
        call.ack();
        phone.start(answer.body());
    }

    private JoinPage page(Chromium chromium) {
        return new JoinPage(chromium);
    }

    private static void shot(JoinPage page, String name) throws Exception {
        page.chromium().screenshot(SHOTS, name);
    }

    /** The mute button says what the microphone track does: the bug was "Unmute" over a live microphone. */
    private static void assertMicButtonTellsTheTruth(JoinPage page, String when) {
        Map<String, Object> track = page.track("audio");
        assertTrue(track != null && "live".equals(track.get("state")), when + ": no live microphone track: " + track);
        boolean enabled = (Boolean) track.get("enabled");
        assertEquals(enabled ? "Mute microphone" : "Unmute microphone", page.byId("mute-mic").getAttribute("aria-label"),
                when + ": the microphone track is " + (enabled ? "live" : "muted"));
        assertEquals(String.valueOf(!enabled), page.byId("mute-mic").getAttribute("aria-pressed"), when);
        assertEquals(enabled ? "Mute" : "Unmute", page.byId("mute-mic").getText(), when);
    }

    @Test
    void joinMuteLeaveAndRejoinWithTheButtonsAlwaysTellingWhatTheTracksDo() throws Exception {
        McuServer server = server();
        phoneJoins(server, "standup");
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        JoinPage page = page(chromium);

        for (int[] size : new int[][] {{390, 844}, {1280, 800}}) {
            chromium.windowSize(size[0], size[1]);
            page.open(baseUrl(server), "standup");
            page.byId("name").sendKeys("Ada Lovelace");
            Await.until(Duration.ofSeconds(10), page::previewPlaying, () -> "the camera preview does not play");
            assertTrue(page.visible("mic-level") || page.byId("mic-level").getSize().getHeight() > 0, "the microphone meter is there");
            assertFalse(page.visible("pin-row"), "an open room asks for no PIN");
            shot(page, "prejoin");
        }

        page.click("join");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        assertEquals(200L, page.finalStatus());
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("standup").map(r -> r.participants() == 2).orElse(false),
                () -> "the browser is not in the phone's room: " + server.roomSnapshot("standup"));
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() >= 20, () -> "the composite is not playing");
        assertFalse(page.visible("self-view"), "no self-view over the composite unless asked for");
        page.click("toggle-self-view");
        Await.until(Duration.ofSeconds(5), () -> Boolean.TRUE.equals(page.js(
                "const v = document.getElementById('self-view'); return v.offsetWidth > 0 && v.videoWidth > 0;")),
                () -> "the optional self-view does not show the camera");
        shot(page, "self-view");
        page.click("toggle-self-view");
        assertFalse(page.visible("self-view"));
        assertFalse(page.visible("room"), "the room cannot be edited during the call");
        assertEquals("standup", page.byId("call-room").getText());
        assertMicButtonTellsTheTruth(page, "after joining");
        Thread.sleep(800); // let the composite show both tiles before the picture is taken
        shot(page, "in-call");

        page.click("mute-mic");
        assertEquals(false, page.track("audio").get("enabled"), "Mute turns the microphone track off");
        assertMicButtonTellsTheTruth(page, "after Mute");
        page.click("mute-cam");
        assertEquals(false, page.track("video").get("enabled"), "Stop video turns the camera track off");
        assertEquals("Start camera", page.byId("mute-cam").getAttribute("aria-label"));
        shot(page, "muted");
        page.click("mute-cam");
        page.click("mute-mic");
        assertMicButtonTellsTheTruth(page, "after Unmute");
        assertEquals(true, page.track("audio").get("enabled"));

        // The bug of the old page: Mute, Leave, Join again.
        page.click("mute-mic");
        String firstTrack = (String) page.track("audio").get("id");
        page.click("leave");
        page.awaitPhase("left", Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("standup").map(r -> r.participants() == 1).orElse(false),
                () -> "the browser is still in the room after Leave");
        assertEquals("You left the meeting", page.byId("left-title").getText());
        shot(page, "left");
        page.click("rejoin-after-leave");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        assertNotEquals(firstTrack, page.track("audio").get("id"), "a rejoin opens the microphone afresh");
        assertMicButtonTellsTheTruth(page, "after Mute, Leave and Join again");
        assertEquals(false, page.track("audio").get("enabled"), "the user who muted stays muted after a rejoin");
        page.click("mute-mic");
        assertMicButtonTellsTheTruth(page, "after unmuting in the rejoined call");
        assertEquals(true, page.track("audio").get("enabled"));

        // Raised hands and the people list need the control-plane API: a server without it says so.
        page.click("toggle-people");
        assertTrue(page.visible("people-panel"));
        Await.until(Duration.ofSeconds(5), () -> page.visible("people-note") || page.byId("people").findElements(
                org.openqa.selenium.By.cssSelector("li")).size() > 0, () -> "the people panel shows neither people nor why not");
        page.click("close-people");

        chromium.windowSize(390, 844);
        Map<String, Number> video = page.box("remote");
        assertEquals(390, video.get("width").intValue(), "the composite spans the phone's width");
        assertTrue(video.get("height").doubleValue() > 844 * 0.6, "the composite's area takes most of the phone's height: " + video);
        Map<String, Number> leave = page.box("leave");
        assertTrue(leave.get("x").doubleValue() + leave.get("width").doubleValue() <= 390, "Leave is on screen: " + leave);
        Thread.sleep(300);
        shot(page, "in-call");
        page.click("leave");
        page.awaitPhase("left", Duration.ofSeconds(10));
        shot(page, "left");
    }

    @Test
    void switchingTheCameraDuringTheCallSendsTheNewOneAndKeepsTheMuteState() throws Exception {
        McuServer server = server();
        Chromium chromium = closeLater(Chromium.withFakeDevices(2));
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);
        page.open(baseUrl(server), "switch");
        page.join("Cam Switcher");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        page.click("mute-cam");
        page.click("toggle-settings");
        Await.until(Duration.ofSeconds(5), () -> page.byId("call-camera-select").findElements(org.openqa.selenium.By.tagName("option")).size() == 2,
                () -> "the in-call camera picker does not list both cameras");
        String before = (String) page.track("video").get("id");
        String pickerState = """
                const select = document.getElementById('call-camera-select');
                const track = window.mcuCall.localStream.getVideoTracks()[0];
                return 'picker shows ' + select.value + ' of [' + [...select.options].map(o => o.value).join(', ')
                    + '], the call sends ' + (track ? track.getSettings().deviceId : 'no track');
                """;
        // The user picks the camera the call is not sending (the one the picker does not show as in use).
        Await.until(Duration.ofSeconds(10), () -> Boolean.TRUE.equals(page.js("""
                const inUse = window.mcuCall.localStream.getVideoTracks()[0].getSettings().deviceId;
                return [...document.getElementById('call-camera-select').options].some(o => o.value && o.value !== inUse);
                """)), () -> "the picker offers no other camera: " + page.js(pickerState));
        String other = (String) page.js("""
                const inUse = window.mcuCall.localStream.getVideoTracks()[0].getSettings().deviceId;
                const select = document.getElementById('call-camera-select');
                const option = [...select.options].find(o => o.value && o.value !== inUse);
                select.value = option.value;
                select.dispatchEvent(new Event('change'));
                return option.value;
                """);
        // A switch that fails says so in a toast; the page also says what its last switch did.
        Await.until(Duration.ofSeconds(20), () -> !before.equals(page.track("video").get("id")),
                () -> "the camera track was not replaced; the page's switch: " + page.js("return window.mcuCall.deviceSwitch;")
                        + "; its toast: " + page.js("const t = document.getElementById('toast'); return t ? t.textContent : '(nothing)';")
                        + "; " + page.js(pickerState));
        Object sent = page.js("""
                const sender = window.mcuCall.peerConnection.getSenders().find(s => s.track && s.track.kind === 'video');
                return sender ? sender.track.getSettings().deviceId : null;
                """);
        assertEquals(other, sent, "the call sends the chosen camera");
        assertEquals("video switched", page.js("return window.mcuCall.deviceSwitch;"));
        assertEquals(false, page.track("video").get("enabled"), "a stopped camera stays stopped on the new device");
        assertEquals("Start camera", page.byId("mute-cam").getAttribute("aria-label"));
        shot(page, "devices");
    }

    @Test
    void aDroppedConnectionShowsReconnectingAndGetsBackIntoTheRoom() throws Exception {
        McuServer server = server();
        phoneJoins(server, "flaky");
        // The browser reaches the server through relays on 127.0.0.2 (same ports), which the test can cut.
        closeLater(new TcpRelay("127.0.0.2", server.config().http().port()));
        TcpRelay sipWebSocket = closeLater(new TcpRelay("127.0.0.2", server.config().sip().wsPort()));
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);
        page.open("http://127.0.0.2:" + server.config().http().port(), "flaky");
        page.join("Roaming Rita");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() >= 10, () -> "the composite is not playing");
        page.click("mute-mic");

        sipWebSocket.cut(true); // as when Wi-Fi drops: the SIP WebSocket closes and cannot reconnect
        page.awaitPhase("reconnecting", Duration.ofSeconds(15));
        assertTrue(page.visible("reconnecting"), "the reconnecting overlay is shown");
        shot(page, "reconnecting");
        chromium.windowSize(390, 844);
        shot(page, "reconnecting");
        chromium.windowSize(1280, 800);

        Thread.sleep(2000);
        sipWebSocket.cut(false);
        page.awaitPhase("in-call", Duration.ofSeconds(25));
        assertEquals(200L, page.finalStatus());
        assertFalse(page.visible("reconnecting"));
        long before = page.framesDecoded();
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() >= 10, () -> "no video after rejoining (" + before + " frames)");
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("flaky").map(r -> r.participants() == 2).orElse(false),
                () -> "the dropped call was not replaced by the new one: " + server.roomSnapshot("flaky"));
        assertMicButtonTellsTheTruth(page, "after reconnecting");
        assertEquals(false, page.track("audio").get("enabled"), "still muted after reconnecting");
    }

    @Test
    void deadMediaWithTheSignallingStillUpShowsReconnectingAndRejoinsWithAFreshCall() throws Exception {
        Assumptions.assumeTrue(UdpPortBlock.available(), "needs root and nft (apt-get install -y nftables) to cut the media path");
        McuServer server = server();
        phoneJoins(server, "lossy");
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);
        page.open(baseUrl(server), "lossy");
        page.join("Tunnel Tom");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() >= 10, () -> "the composite is not playing");

        // The browser's media (ICE, DTLS, SRTP) all goes through the one WebRTC port: cut it, keep SIP.
        long answered = page.answeredCalls();
        UdpPortBlock media = closeLater(new UdpPortBlock(server.config().webrtc().port()));
        media.block();
        page.awaitPhase("reconnecting", Duration.ofSeconds(20));
        // The signalling is up, so the server answers the rejoin while the media is still cut: the page
        // must go on saying it is reconnecting (it said in-call until that call's ICE failed too).
        Await.until(Duration.ofSeconds(20), () -> {
            assertEquals("reconnecting with the overlay", page.phaseAndOverlay(), "while no media flows");
            return page.answeredCalls() > answered;
        }, () -> "the server answered no rejoin while the media was cut");
        long cutUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < cutUntil) {
            assertEquals("reconnecting with the overlay", page.phaseAndOverlay(), "after the rejoin was answered, no media yet");
            Thread.sleep(100);
        }
        media.unblock();

        page.awaitPhase("in-call", Duration.ofSeconds(30));
        long rejoined = page.framesDecoded();
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() >= rejoined + 10,
                () -> "no video after rejoining (" + page.framesDecoded() + " frames)");
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("lossy").map(r -> r.participants() == 2).orElse(false),
                () -> "the dead call was not replaced by the new one: " + server.roomSnapshot("lossy"));
    }

    @Test
    void aPinRoomAsksForThePinThenSaysWhenItIsWrongAndLetsTheRightOneIn() throws Exception {
        McuServer server = server("rooms.list=[{name: board, pin: '1234'}]");
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);
        page.open(baseUrl(server), "board");
        page.join("Grace Hopper");
        // The lobby API (GET /api/v1/lobby/board: pinRequired) tells the page before it dials; without
        // the API the page learns it from the SIP 403. Either way it asks for the PIN.
        Await.until(JOIN_TIMEOUT, () -> "pin-required".equals(page.failure()),
                () -> "the page did not ask for the PIN: failure " + page.failure() + ", status " + page.statusText());
        Long firstStatus = page.finalStatus();
        assertTrue(firstStatus == null || firstStatus == 403L, "dialled without a PIN: " + firstStatus);
        assertTrue(page.visible("pin-row"), "the PIN field appears");
        assertTrue(page.statusText().startsWith("This room needs a PIN"), page.statusText());
        assertEquals("pin", page.js("return document.activeElement.id;"), "the cursor waits in the PIN field");
        shot(page, "pin-required");
        chromium.windowSize(390, 844);
        shot(page, "pin-required");

        page.byId("pin").sendKeys("9999");
        page.click("join");
        page.awaitPhase("error", JOIN_TIMEOUT);
        assertEquals("pin-wrong", page.failure());
        assertTrue(page.statusText().startsWith("Wrong PIN"), page.statusText());

        page.byId("pin").clear();
        page.byId("pin").sendKeys("1234");
        page.click("join");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        assertEquals(200L, page.finalStatus());
        assertEquals("board", page.byId("call-room").getText(), "the PIN is not shown as part of the room");
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("board").map(r -> r.participants() == 1).orElse(false),
                () -> "the browser with the right PIN is not in the room");
    }

    @Test
    void refusalsAreExplainedInWords() throws Exception {
        McuServer server = server("rooms.list=[{name: small}]", "rooms.maxParticipants=1");
        phoneJoins(server, "small");
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);

        page.open(baseUrl(server), "small");
        page.join("Late Comer");
        page.awaitPhase("error", JOIN_TIMEOUT);
        assertEquals(503L, page.finalStatus());
        assertEquals("full", page.failure());
        assertTrue(page.statusText().startsWith("The room is full"), page.statusText());
        assertTrue(page.statusText().contains("Try again in 30 seconds"), "says when to retry: " + page.statusText());
        shot(page, "error-room-full");
        chromium.windowSize(390, 844);
        shot(page, "error-room-full");
        chromium.windowSize(1280, 800);

        page.open(baseUrl(server), "nowhere");
        page.join("Lost Soul");
        page.awaitPhase("error", JOIN_TIMEOUT);
        assertEquals(404L, page.finalStatus());
        assertEquals("not-found", page.failure());
        assertTrue(page.statusText().startsWith("No such room"), page.statusText());

        // The server goes away while the page is open.
        page.open(baseUrl(server), "small");
        toClose.remove(server);
        server.close();
        page.join("Ada");
        page.awaitPhase("error", JOIN_TIMEOUT);
        assertEquals("unreachable", page.failure());
        assertTrue(page.statusText().startsWith("Cannot reach the server"), page.statusText());
        shot(page, "error-unreachable");
    }

    @Test
    void aBlockedCameraAndMicrophoneAreExplainedWithTheFix() throws Exception {
        McuServer server = server();
        Chromium chromium = closeLater(Chromium.withDevicesBlocked());
        JoinPage page = page(chromium);
        chromium.windowSize(1280, 800);
        page.open(baseUrl(server), "blocked");
        page.join("Camera Shy");
        page.awaitPhase("error", JOIN_TIMEOUT);
        assertEquals("media-denied", page.failure());
        assertTrue(page.statusText().startsWith("Camera and microphone are blocked"), page.statusText());
        assertTrue(server.roomSnapshot("blocked").isEmpty(), "nothing was dialled without media");
        assertTrue(page.visible("viewer-row"), "joining without camera and microphone is offered");
        shot(page, "error-devices-blocked");

        page.click("viewer");
        page.click("join");
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        Await.until(JOIN_TIMEOUT, () -> page.framesDecoded() > 0, () -> "the watcher receives no video");
        assertEquals("No microphone", page.byId("mute-mic").getAttribute("aria-label"));
    }
}
