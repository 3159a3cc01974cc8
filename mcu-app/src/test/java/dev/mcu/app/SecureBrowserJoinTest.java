package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Headless Chromium opens the join page over https (the self-signed certificate accepted, as a
 * user does by clicking through the warning) and joins over SIP on secure WebSocket: its INVITE
 * is answered and it receives the room's video. BrowserJoinTest covers http/ws and the pictures.
 */
class SecureBrowserJoinTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;
    private McuServer server;
    private ChromeDriver browser;

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
    }

    @AfterEach
    void closeEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBrowserJoinsFromTheHttpsPageOverSecureWebSocket() throws Exception {
        int httpsPort = TestServers.freeSipPort();
        int wssPort = TestServers.freeSipPort();
        server = TestServers.start("http.httpsPort=" + httpsPort, "sip.wssPort=" + wssPort,
                "tls.keystore=" + dir.resolve("mcu-tls.p12"));
        browser = startChromium();
        browser.get("https://127.0.0.1:" + httpsPort + "/?room=secure");
        browser.findElement(By.id("name")).sendKeys("Secure Tester");
        browser.findElement(By.id("join")).click();

        Await.until(Duration.ofSeconds(20), () -> callState().get("finalStatus") != null || "error".equals(callState().get("phase")),
                () -> "the browser's INVITE over wss got no final response; state " + callState());
        assertEquals(200L, ((Number) callState().get("finalStatus")).longValue(), "state " + callState());
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("secure").map(r -> r.participants() == 1).orElse(false),
                () -> "the browser is not in the room: " + server.roomSnapshot("secure"));
        Await.until(Duration.ofSeconds(20), () -> framesDecoded() >= 10,
                () -> "the browser decoded " + framesDecoded() + " frames of the room's video");
        System.out.printf("browser over https/wss: INVITE 200, %d frames decoded%n", framesDecoded());
    }

    private ChromeDriver startChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--ignore-certificate-errors", "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + dir.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> callState() {
        return (Map<String, Object>) browser.executeScript(
                "const s = window.mcuCall; return s ? {phase: s.phase, finalStatus: s.finalStatus, cause: s.cause} : {};");
    }

    private long framesDecoded() {
        Object value = browser.executeAsyncScript("""
                const done = arguments[0];
                const pc = window.mcuCall && window.mcuCall.peerConnection;
                if (!pc) { done(0); return; }
                pc.getStats().then(report => {
                  let sum = 0;
                  report.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') sum += s.framesDecoded || 0; });
                  done(sum);
                }, () => done(0));
                """);
        return ((Number) value).longValue();
    }
}
