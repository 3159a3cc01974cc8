package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Chromium;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the web app that use the control-plane API, with two real browsers in one room:
 * the people list fed by the room token and its events, raised hands, a host (joined with the
 * host PIN) muting, demoting and locking, a webinar viewer joining without any camera prompt,
 * and the operators' dashboard. Screenshots go where {@link WebAppBrowserTest} keeps its own.
 */
class WebAppHostControlsTest {
    private static final String ADMIN_TOKEN = "web-test-admin-token-0123456789";
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

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

    /**
     * A server with the control-plane API; the test is skipped (and says why) on a build without it,
     * which knows no admin.token key and serves no OpenAPI document.
     */
    private McuServer server(String rooms, String... more) throws Exception {
        McuServer server;
        try {
            List<String> settings = new ArrayList<>(List.of("sip.wsPort=" + TestServers.freeSipPort(),
                    "http.port=" + TestServers.freeSipPort(), "admin.token=" + ADMIN_TOKEN, "rooms.list=" + rooms));
            settings.addAll(List.of(more));
            server = closeLater(TestServers.start(settings.toArray(String[]::new)));
        } catch (IllegalArgumentException noApiConfig) {
            Assumptions.abort("this build has no control-plane API: " + noApiConfig.getMessage());
            throw noApiConfig;
        }
        HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(URI.create(baseUrl(server) + "/api/v1/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        Assumptions.assumeTrue(openApi.statusCode() == 200, "this build serves no control-plane API (/api/v1/openapi.json answered "
                + openApi.statusCode() + ")");
        return server;
    }

    private static String baseUrl(McuServer server) {
        return "http://127.0.0.1:" + server.config().http().port();
    }

    private String adminGet(McuServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl(server) + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private JoinPage joined(McuServer server, String room, String name, String pin, int width, int height) throws Exception {
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        chromium.windowSize(width, height);
        JoinPage page = new JoinPage(chromium);
        page.open(baseUrl(server), room);
        if (pin != null) {
            Await.until(Duration.ofSeconds(5), () -> page.visible("pin-row"), () -> "the lobby did not ask for a PIN");
            page.byId("pin").sendKeys(pin);
        }
        page.join(name);
        page.awaitPhase("in-call", JOIN_TIMEOUT);
        return page;
    }

    /**
     * What is in a person's row, read in the page (the list is redrawn on every talking event, so
     * element references go stale): the text, the row's classes, and a mark's classes.
     */
    private static String row(JoinPage page, String participantId, String what) {
        Object value = page.js("""
                const row = document.querySelector(`#people li[data-participant='${arguments[0]}']`);
                if (!row) return null;
                if (arguments[1] === 'text') return row.innerText;
                if (arguments[1] === 'class') return row.className;
                const el = row.querySelector(arguments[1]);
                return el ? el.className : null;
                """, participantId, what);
        return value == null ? "" : value.toString();
    }

    /** Clicks (or, with a value, chooses in) an element of a person's row, as a person does. */
    private static void inRow(JoinPage page, String participantId, String selector, String value) {
        page.js("""
                const el = document.querySelector(`#people li[data-participant='${arguments[0]}'] ${arguments[1]}`);
                if (arguments[2] === null) { el.click(); return; }
                el.value = arguments[2];
                el.dispatchEvent(new Event('change', {bubbles: true}));
                """, participantId, selector, value);
    }

    private static int rows(JoinPage page) {
        return page.driver().findElements(By.cssSelector("#people li")).size();
    }

    /** Picks an option of a select as a person does (the page acts on its change event). */
    private static void choose(JoinPage page, WebElement select, String value) {
        page.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", select, value);
    }

    private static String selfId(JoinPage page) {
        return (String) page.js("return window.mcuCall.selfId;");
    }

    @Test
    void aHostSeesHandsAndMutesDemotesAndLocksThroughTheRoomToken() throws Exception {
        McuServer server = server("[{name: board, pin: '1111', hostPin: '4321'}]");
        JoinPage host = joined(server, "board", "Hedy Host", "4321", 1280, 800);
        JoinPage guest = joined(server, "board", "Gus Guest", "1111", 390, 844);
        String guestId = selfId(guest);
        String hostId = selfId(host);
        assertTrue(guestId != null && hostId != null, "the 200 OK carried X-MCU-Participant");
        assertEquals("host", host.js("return window.mcuCall.role;"));

        host.click("toggle-people");
        guest.click("toggle-people");
        Await.until(EVENT_TIMEOUT, () -> rows(host) == 2 && rows(guest) == 2,
                () -> "the people lists do not show both: host " + rows(host) + ", guest " + rows(guest)
                        + " (guest's note: '" + guest.byId("people-note").getText() + "')");
        assertTrue(row(host, hostId, "text").contains("Hedy Host (you)"), row(host, hostId, "text"));
        assertTrue(row(guest, hostId, "text").contains("Host"), "the guest sees the host's role");
        assertTrue(host.visible("host-controls"), "the host has the room's controls");
        assertFalse(guest.visible("host-controls"), "a speaker has no host controls");
        assertTrue(guest.driver().findElements(By.cssSelector("#people .kick-person")).isEmpty(), "a speaker cannot remove people");
        guest.chromium().screenshot(WebAppBrowserTest.SHOTS, "people");
        guest.click("close-people");

        guest.click("raise-hand");
        Await.until(EVENT_TIMEOUT, () -> "true".equals(guest.byId("raise-hand").getAttribute("aria-pressed")),
                () -> "the guest's hand button did not follow the hand event");
        Await.until(EVENT_TIMEOUT, () -> row(host, guestId, "class").contains("hand-raised"),
                () -> "the host does not see the raised hand");
        assertEquals("Lower hand", guest.byId("raise-hand").getText());
        guest.chromium().screenshot(WebAppBrowserTest.SHOTS, "hand-raised");

        // The host mutes the guest: the guest's own microphone track goes off and its button says so.
        assertEquals(true, guest.track("audio").get("enabled"));
        inRow(host, guestId, ".mute-person", null);
        Await.until(EVENT_TIMEOUT, () -> Boolean.FALSE.equals(guest.track("audio").get("enabled")),
                () -> "the guest's microphone is still live after the host muted it");
        assertEquals("Unmute microphone", guest.byId("mute-mic").getAttribute("aria-label"));
        Await.until(EVENT_TIMEOUT, () -> row(host, guestId, ".mark.mic").contains("muted"),
                () -> "the host's list does not show the guest muted");

        inRow(host, guestId, ".role-select", "attendee");
        Await.until(EVENT_TIMEOUT, () -> "attendee".equals(guest.js("return window.mcuCall.role;")),
                () -> "the guest was not demoted: " + guest.js("return window.mcuCall.role;"));
        assertTrue(adminGet(server, "/api/v1/rooms/board/participants").contains("\"attendee\""));

        choose(host, host.byId("layout-select"), "speaker");
        Await.until(EVENT_TIMEOUT, () -> {
            try {
                return adminGet(server, "/api/v1/rooms/board").contains("\"speaker\"");
            } catch (Exception e) {
                return false;
            }
        }, () -> "the layout did not change to speaker");

        host.click("lock-room");
        Await.until(EVENT_TIMEOUT, () -> guest.visible("lock-badge"), () -> "the guest does not see the room locked");
        assertEquals("Unlock room", host.byId("lock-room").getText());
        host.chromium().screenshot(WebAppBrowserTest.SHOTS, "host-controls");

        guest.click("leave");
        guest.awaitPhase("left", Duration.ofSeconds(10));
        Await.until(EVENT_TIMEOUT, () -> rows(host) == 1, () -> "the host still lists " + rows(host) + " people");
    }

    @Test
    void aHostRecordsFromThePageEveryoneSeesItAndTheFileHoldsTheMeeting(@TempDir Path recordings) throws Exception {
        McuServer server = server("[{name: board, hostPin: '4321'}]", "recording.dir=" + recordings);
        JoinPage host = joined(server, "board", "Hedy Host", "4321", 1280, 800);
        JoinPage guest = joined(server, "board", "Gus Guest", null, 1280, 800);
        host.click("toggle-people");
        Await.until(EVENT_TIMEOUT, () -> host.visible("record"),
                () -> "the host has no Record button (the page shows it when the OpenAPI document lists egress)");
        assertEquals("Start recording", host.byId("record").getText());
        assertFalse(guest.visible("rec-badge"), "nothing says 'recording' before it starts");

        host.click("record");
        Await.until(EVENT_TIMEOUT, () -> "Stop recording".equals(host.byId("record").getText()),
                () -> "the button did not follow the recording: " + host.byId("record").getText());
        Await.until(EVENT_TIMEOUT, () -> guest.visible("rec-badge"), () -> "the guest is not told the meeting is recorded");
        String running = adminGet(server, "/api/v1/rooms/board/egress");
        assertTrue(running.contains("\"kind\":\"record\"") && running.contains("\"running\""), running);
        host.chromium().screenshot(WebAppBrowserTest.SHOTS, "recording");
        Await.until(Duration.ofSeconds(30), () -> recordedBytes(recordings) > 50_000,
                () -> "the recording does not grow: " + recordedBytes(recordings) + " bytes");

        host.click("record");
        Await.until(EVENT_TIMEOUT, () -> "Start recording".equals(host.byId("record").getText()),
                () -> "the button still says " + host.byId("record").getText());
        Await.until(EVENT_TIMEOUT, () -> !guest.visible("rec-badge"), () -> "the guest still sees 'recording'");
        Await.until(EVENT_TIMEOUT, () -> egressListing(server).equals("[]"), () -> "still listed: " + egressListing(server));
        Path file;
        try (var files = Files.list(recordings)) {
            file = files.findFirst().orElseThrow();
        }
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString()).redirectErrorStream(true).start();
        String probed = new String(probe.getInputStream().readAllBytes());
        assertEquals(0, probe.waitFor(), probed);
        assertTrue(probed.contains("codec_name=h264") && probed.contains("codec_name=aac"), file + ": " + probed);
    }

    private static long recordedBytes(Path dir) {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private String egressListing(McuServer server) {
        try {
            return adminGet(server, "/api/v1/rooms/board/egress");
        } catch (Exception | AssertionError e) {
            return e.toString();
        }
    }

    @Test
    void aWebinarViewerJoinsWithoutAnyCameraPromptAndWatches() throws Exception {
        McuServer server = server("[{name: town, mode: webinar}]");
        Chromium chromium = closeLater(Chromium.withDevicesBlocked()); // any camera prompt would fail the join
        chromium.windowSize(1280, 800);
        JoinPage viewer = new JoinPage(chromium);
        viewer.open(baseUrl(server), "town");
        Await.until(Duration.ofSeconds(5), () -> viewer.visible("viewer-row"), () -> "a webinar offers the viewer mode");
        assertTrue(viewer.byId("viewer").isSelected(), "attendees of a webinar watch by default");
        assertTrue(viewer.byId("room-info").getText().startsWith("Webinar"), viewer.byId("room-info").getText());
        viewer.byId("name").sendKeys("Vera Viewer");
        chromium.screenshot(WebAppBrowserTest.SHOTS, "prejoin-webinar");
        viewer.click("join");
        viewer.awaitPhase("in-call", JOIN_TIMEOUT);
        Await.until(JOIN_TIMEOUT, () -> viewer.framesDecoded() > 0, () -> "the viewer does not receive the room's video");
        Object sending = viewer.js("return window.mcuCall.peerConnection.getSenders().filter(s => s.track).length;");
        assertEquals(0L, ((Number) sending).longValue(), "a viewer sends no media");
        assertEquals("No microphone", viewer.byId("mute-mic").getAttribute("aria-label"));
        Await.until(EVENT_TIMEOUT, () -> "attendee".equals(viewer.js("return window.mcuCall.role;")),
                () -> "the viewer's role is " + viewer.js("return window.mcuCall.role;"));
    }

    @Test
    void theDashboardListsRoomsAndPeopleAfterSigningInWithTheAdminToken() throws Exception {
        McuServer server = server("[{name: board}, {name: town, mode: webinar}]");
        joined(server, "board", "Dora Dialled", null, 1280, 800);
        Chromium chromium = closeLater(Chromium.withFakeDevices());
        chromium.windowSize(1280, 800);
        JoinPage dashboard = new JoinPage(chromium);
        dashboard.driver().get(baseUrl(server) + "/dashboard");
        dashboard.byId("admin-token").sendKeys("not-the-token");
        dashboard.click("sign-in");
        Await.until(Duration.ofSeconds(5), () -> dashboard.byId("login-status").getText().contains("Could not sign in"),
                () -> "a wrong token is not refused in words: " + dashboard.byId("login-status").getText());
        dashboard.byId("admin-token").clear();
        dashboard.byId("admin-token").sendKeys(ADMIN_TOKEN);
        dashboard.click("sign-in");
        Await.until(Duration.ofSeconds(10), () -> !dashboard.driver().findElements(By.cssSelector(".room-card[data-room='board']")).isEmpty(),
                () -> "the dashboard does not list the open room: " + dashboard.byId("rooms").getText()
                        + " / status '" + dashboard.byId("dash-status").getText() + "' / login '"
                        + dashboard.byId("login-status").getText() + "'");
        dashboard.driver().findElement(By.cssSelector(".room-card[data-room='board']")).click();
        Await.until(Duration.ofSeconds(10), () -> dashboard.driver().findElements(By.cssSelector("#detail-people li")).size() == 1,
                () -> "the room's people are not listed");
        assertTrue(dashboard.byId("detail-people").getText().contains("Dora Dialled"));
        Map<String, Number> box = dashboard.box("room-detail");
        assertTrue(box.get("height").doubleValue() > 100, "the room's panel is open");
        chromium.screenshot(WebAppBrowserTest.SHOTS, "dashboard");
    }
}
