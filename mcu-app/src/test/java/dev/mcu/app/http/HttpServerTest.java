package dev.mcu.app.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServerTest {
    private final TestHttpThreads threads = new TestHttpThreads();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .get("/rooms/{room}", r -> Response.json(Map.of("room", r.pathParameter("room"))))
                .post("/rooms/{room}/echo", r -> {
                    var body = r.jsonBody();
                    Request.requireOnlyKeys(body, java.util.List.of("audio"));
                    if (body.has("audio") && !body.get("audio").isBoolean()) {
                        throw HttpError.badRequest("'audio' must be true or false");
                    }
                    return Response.json(body);
                })
                .get("/broken", r -> {
                    throw new IllegalStateException("a bug with internal details");
                });
        server = threads.start(router);
    }

    @AfterEach
    void stop() {
        server.close();
        threads.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pathParametersArePercentDecodedWithinTheirSegment() throws Exception {
        HttpResponse<String> r = send("GET", "/rooms/town%20hall%2F2", null);
        assertEquals(200, r.statusCode());
        assertEquals("{\"room\":\"town hall/2\"}", r.body());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllowAndAJsonReason() throws Exception {
        HttpResponse<String> missing = send("GET", "/nothing/here", null);
        assertEquals(404, missing.statusCode());
        assertEquals("{\"error\":\"nothing at /nothing/here\"}", missing.body());
        HttpResponse<String> wrong = send("DELETE", "/rooms/a", null);
        assertEquals(405, wrong.statusCode());
        assertEquals("GET, HEAD", wrong.headers().firstValue("Allow").orElse(""));
        assertTrue(wrong.body().contains("\"error\":\"DELETE is not allowed here"), wrong.body());
    }

    @Test
    void malformedJsonOrABadValueIs400WithTheReason() throws Exception {
        HttpResponse<String> malformed = send("POST", "/rooms/a/echo", "{\"audio\": tru");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().startsWith("{\"error\":\"the body is not valid JSON"), malformed.body());
        HttpResponse<String> badValue = send("POST", "/rooms/a/echo", "{\"audio\": 3}");
        assertEquals(400, badValue.statusCode());
        assertEquals("{\"error\":\"'audio' must be true or false\"}", badValue.body());
        HttpResponse<String> typo = send("POST", "/rooms/a/echo", "{\"audoi\": true}");
        assertEquals(400, typo.statusCode());
        assertTrue(typo.body().contains("unknown key 'audoi'"), typo.body());
        HttpResponse<String> notObject = send("POST", "/rooms/a/echo", "[1,2]");
        assertEquals(400, notObject.statusCode());
        assertEquals(200, send("POST", "/rooms/a/echo", "{\"audio\": true}").statusCode());
    }

    @Test
    void aBodyLargerThanTheLimitIsRefusedWith413() throws Exception {
        String big = "{\"audio\":\"" + "x".repeat(HttpServer.MAX_BODY_BYTES) + "\"}";
        assertEquals(413, send("POST", "/rooms/a/echo", big).statusCode());
        assertEquals(200, send("GET", "/rooms/a", null).statusCode(), "the server still answers");
    }

    @Test
    void aHandlerBugIs500WithoutTheException() throws Exception {
        HttpResponse<String> r = send("GET", "/broken", null);
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("internal details") || r.body().contains("Exception"), r.body());
    }

    @Test
    void oneConnectionCarriesSeveralRequests() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String room : new String[]{"a", "b", "c"}) {
                out.write(("GET /rooms/" + room + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 200 OK", in.readLine());
                int length = -1;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                assertEquals("{\"room\":\"" + room + "\"}", new String(body));
            }
        }
    }

    @Test
    void aRequestThatIsNotHttpGets400() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("\u0001\u0002 garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine();
            assertEquals("HTTP/1.1 400 Bad Request", status);
        }
    }
}
