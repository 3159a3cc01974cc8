package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.util.Map;

/**
 * The join page as the end-to-end tests use it: its elements by id, and what the page exposes in
 * {@code window.mcuCall} (phase, final SIP status, failure kind, local stream). Test thread only.
 */
final class JoinPage {
    private final Chromium chromium;
    private final ChromeDriver browser;

    JoinPage(Chromium chromium) {
        this.chromium = chromium;
        this.browser = chromium.driver();
    }

    void open(String baseUrl, String room) throws InterruptedException {
        browser.get(baseUrl + "/?room=" + room);
        Await.until(Duration.ofSeconds(10), () -> "prejoin".equals(phase()), () -> "the page did not load: " + phase());
    }

    WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    boolean visible(String id) {
        return byId(id).isDisplayed();
    }

    /**
     * The page's phase and whether the reconnecting overlay is displayed, read in one script: the page
     * can move on between two separate reads.
     */
    String phaseAndOverlay() {
        return String.valueOf(js("""
                const overlay = document.getElementById('reconnecting');
                const shown = !overlay.hidden && overlay.getClientRects().length > 0;
                return (window.mcuCall ? window.mcuCall.phase : null) + (shown ? ' with' : ' without') + ' the overlay';
                """));
    }

    void join(String name) {
        byId("name").clear();
        byId("name").sendKeys(name);
        byId("join").click();
    }

    void click(String id) {
        byId(id).click();
    }

    Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    String phase() {
        Object phase = js("return window.mcuCall ? window.mcuCall.phase : null;");
        return phase == null ? null : phase.toString();
    }

    String failure() {
        Object kind = js("return window.mcuCall.failure;");
        return kind == null ? null : kind.toString();
    }

    /** How many of the page's calls (first joins and rejoins) the server has answered. */
    long answeredCalls() {
        return ((Number) js("return window.mcuCall.answeredCalls;")).longValue();
    }

    Long finalStatus() {
        Object status = js("return window.mcuCall.finalStatus;");
        return status == null ? null : ((Number) status).longValue();
    }

    void awaitPhase(String wanted, Duration timeout) throws InterruptedException {
        Await.until(timeout, () -> wanted.equals(phase()),
                () -> "the page is in phase " + phase() + " (wanted " + wanted + "), status '" + statusText() + "', failure "
                        + failure() + ", final SIP status " + finalStatus() + ", PIN field '"
                        + js("return document.getElementById('pin').value;") + "'");
    }

    String statusText() {
        return byId("status").getText();
    }

    /** The local track of a kind: enabled, readyState and id; null when there is none. */
    @SuppressWarnings("unchecked")
    Map<String, Object> track(String kind) {
        return (Map<String, Object>) js("""
                const s = window.mcuCall.localStream;
                const t = s && s.getTracks().find(t => t.kind === arguments[0]);
                return t ? {enabled: t.enabled, state: t.readyState, id: t.id} : null;
                """, kind);
    }

    boolean previewPlaying() {
        return Boolean.TRUE.equals(js("const v = document.getElementById('preview');"
                + " return !!v.srcObject && v.videoWidth > 0 && !v.paused;"));
    }

    long framesDecoded() {
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

    /** The on-screen box of an element: {x, y, width, height}. */
    @SuppressWarnings("unchecked")
    Map<String, Number> box(String id) {
        return (Map<String, Number>) js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                + " return {x: r.x, y: r.y, width: r.width, height: r.height};", id);
    }

    ChromeDriver driver() {
        return browser;
    }

    Chromium chromium() {
        return chromium;
    }
}
