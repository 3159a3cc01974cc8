package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.http.Router;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenApiDocumentTest {

    @Test
    void everyRouteTheServerAnswersIsInTheOpenApiDocumentAndNothingElse() throws Exception {
        try (McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort())) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort() + "/api/v1/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            JsonNode doc = Json.MAPPER.readTree(answer.body());
            assertTrue(doc.get("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
            Set<String> documented = new TreeSet<>();
            doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                    .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
            Set<String> served = new TreeSet<>();
            for (Router.Route route : server.httpRoutes()) {
                served.add(route.method() + " " + route.template());
            }
            Set<String> undocumented = new TreeSet<>(served);
            undocumented.removeAll(documented);
            assertEquals(Set.of(), undocumented, "routes missing from openapi.json");
            Set<String> stale = new TreeSet<>(documented);
            stale.removeAll(served);
            stale.removeIf(s -> s.contains("/dashboard"));   // served only when the build has the dashboard page
            assertEquals(Set.of(), stale, "openapi.json documents routes the server does not have");
            assertTrue(served.contains("POST /api/v1/rooms/{room}/participants/{id}/mute"), served.toString());
        }
    }
}
