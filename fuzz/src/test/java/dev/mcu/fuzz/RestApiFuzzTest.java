package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcu.app.McuConfig;
import dev.mcu.app.McuServer;
import dev.mcu.transport.FreePortRange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The REST API's request bodies, any bytes, through a running server's HTTP stack (Netty's codec,
 * the request dispatcher, the same Jackson mapper and validation the handlers use): no input may
 * make the server answer 5xx or fail to answer, and every refusal is a 4xx with a JSON
 * {@code {"error": "..."}} that says why. The first three bytes of an input choose the route (mute,
 * hand, role, layout, lock, end a room), the credentials (the admin token, a wrong token, none)
 * and the Content-Type; the rest is the body.
 *
 * <p>One real {@link McuServer} (SIP, media and the API on loopback) serves the whole run; the
 * fuzzer talks to it over HTTP on 127.0.0.1 only.
 */
class RestApiFuzzTest {
    private static final String ADMIN_TOKEN = "fuzz-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Routes whose handlers read a body or change state; "demo" is the room, "p1" a participant id. */
    private static final List<String[]> ROUTES = List.of(
            new String[] {"POST", "/api/v1/rooms/demo/participants/p1/mute"},
            new String[] {"POST", "/api/v1/rooms/demo/participants/p1/hand"},
            new String[] {"POST", "/api/v1/rooms/demo/participants/p1/role"},
            new String[] {"PUT", "/api/v1/rooms/demo/layout"},
            new String[] {"POST", "/api/v1/rooms/demo/lock"},
            new String[] {"DELETE", "/api/v1/rooms/demo/lock"},
            new String[] {"DELETE", "/api/v1/rooms/demo"},
            new String[] {"POST", "/api/v1/rooms/demo/participants/p1"}); // 405
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/plain", "");

    /** One server for the whole run: started on first use, stopped when the JVM ends. */
    private static final class Running {
        static final Running INSTANCE = new Running();
        final McuServer server;
        final int httpPort;
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        private Running() {
            try {
                Path dir = Files.createTempDirectory("rest-fuzz");
                int mediaBase = FreePortRange.of(100);
                httpPort = freePort();
                int sipPort = freePort();
                server = new McuServer(McuConfig.load(null, List.of(
                        "sip.address=127.0.0.1",
                        "sip.port=" + sipPort,
                        "sip.wsPort=0",
                        "sip.wssPort=0",
                        "sip.tlsPort=0",
                        "http.port=" + httpPort,
                        "http.httpsPort=0",
                        "tls.keystore=" + dir.resolve("tls.p12"),
                        "admin.token=" + ADMIN_TOKEN,
                        "media.portMin=" + mediaBase,
                        "media.portMax=" + (mediaBase + 99),
                        // the media range and the SIP port are free but not bound yet: the WebRTC port
                        // must not land on them
                        "webrtc.port=" + FreePortRange.udpOutside(mediaBase, mediaBase + 99, Set.of(sipPort, httpPort)),
                        "video.width=320",
                        "video.height=180")));
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Free for UDP and TCP (webrtc.port is UDP), above the kernel's ephemeral ports. */
        private static int freePort() throws IOException {
            return FreePortRange.udpAndTcp();
        }
    }

    @FuzzTest
    void restApi(byte[] input) throws Exception {
        Running running = Running.INSTANCE;
        BugDetectors.allowNetworkConnections((host, port) -> port == running.httpPort
                && (host.equals("127.0.0.1") || host.equals("localhost")));
        int routeChoice = input.length > 0 ? input[0] & 0xff : 0;
        int authChoice = input.length > 1 ? input[1] & 0xff : 0;
        int typeChoice = input.length > 2 ? input[2] & 0xff : 0;
        byte[] body = input.length > 3 ? Arrays.copyOfRange(input, 3, input.length) : new byte[0];
        String[] route = ROUTES.get(routeChoice % ROUTES.size());

        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + running.httpPort + route[1]))
                .timeout(Duration.ofSeconds(20))
                .method(route[0], HttpRequest.BodyPublishers.ofByteArray(body));
        switch (authChoice % 3) {
            case 0 -> request.header("Authorization", "Bearer " + ADMIN_TOKEN);
            case 1 -> request.header("Authorization", "Bearer not-the-token");
            default -> { }
        }
        String type = CONTENT_TYPES.get(typeChoice % CONTENT_TYPES.size());
        if (!type.isEmpty()) {
            request.header("Content-Type", type);
        }
        HttpResponse<byte[]> response;
        try {
            response = running.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            fail("the server did not answer " + route[0] + " " + route[1] + ": " + e);
            return;
        }
        int status = response.statusCode();
        String what = route[0] + " " + route[1] + " answered " + status + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(status < 500, what);
        if (status >= 400) {
            JsonNode refusal = JSON.readTree(response.body());
            assertTrue(refusal != null && refusal.path("error").isTextual(), "a refusal without a reason: " + what);
            assertFalse(refusal.path("error").asText().isBlank(), "an empty reason: " + what);
        }
    }
}
