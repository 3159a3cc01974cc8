package dev.mcu.app.http;

import dev.mcu.app.McuConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticPagesTest {
    private final TestHttpThreads threads = new TestHttpThreads();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router();
        StaticPages.addTo(router, new StaticPages.PagePorts(18088, 0, 0));
        server = threads.start(router);
    }

    @AfterEach
    void stop() {
        server.close();
        threads.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRootIsAJoinPageWithRoomNamePinMuteAndLeaveThatBundlesJsSip() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String part : List.of("id=\"room\"", "id=\"name\"", "id=\"pin\"", "id=\"mute-mic\"", "id=\"mute-cam\"",
                "id=\"leave\"", "id=\"remote\"", "href=\"app.css\"", "src=\"join.js\"")) {
            assertTrue(page.body().contains(part), "the page has " + part);
        }
        HttpResponse<String> join = get("/join.js");
        assertEquals(200, join.statusCode());
        assertTrue(join.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(join.body().contains("JsSIP") && join.body().contains("X-MCU-Token") && join.body().length() > 100_000,
                "join.js bundles JsSIP and reads the room token");
        HttpResponse<String> css = get("/app.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    }

    @Test
    void theDashboardIsServedWithTheSameLook() throws Exception {
        HttpResponse<String> page = get("/dashboard");
        assertEquals(200, page.statusCode());
        for (String part : List.of("id=\"admin-token\"", "href=\"app.css\"", "src=\"dashboard.js\"")) {
            assertTrue(page.body().contains(part), "the dashboard has " + part);
        }
        assertTrue(get("/dashboard.js").body().contains("/api/v1/rooms"), "the dashboard reads the rooms API");
    }

    @Test
    void configJsonTellsThePageTheWebSocketPort() throws Exception {
        HttpResponse<String> config = get("/config.json");
        assertEquals(200, config.statusCode());
        assertEquals("{\"wsPort\":18088,\"wssPort\":0,\"httpsPort\":0}", config.body());
    }

    @Test
    void unknownPathsGet404AndOtherMethods405() throws Exception {
        assertEquals(404, get("/../etc/passwd").statusCode());
        assertEquals(404, get("/static/index.html").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void theDefaultsServeThePageOn8080AndSipOverWebSocketOn8088() {
        McuConfig config = McuConfig.defaults();
        assertEquals(8080, config.http().port());
        assertEquals(8088, config.sip().wsPort());
    }

    @Test
    void portsThatCollideOrAreOutOfRangeAreRefusedByName() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("http.port=9000", "sip.wsPort=9000")));
        assertTrue(same.getMessage().contains("http.port"), same.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("sip.wsPort=70000")));
        assertTrue(range.getMessage().contains("sip.wsPort"), range.getMessage());
        IllegalArgumentException sipClash = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("sip.port=5070", "sip.wsPort=5070")));
        assertTrue(sipClash.getMessage().contains("sip.wsPort"), sipClash.getMessage());
    }
}
