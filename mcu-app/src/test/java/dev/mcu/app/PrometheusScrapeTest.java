package dev.mcu.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus (Debian's package, started here on loopback) scrapes /metrics once a second;
 * its HTTP API then answers how many participants the server has.
 */
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void prometheusScrapesTheServerAndCountsItsParticipants(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus is not installed (apt-get install prometheus)");
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort());
        toClose.add(server);
        for (String name : List.of("ann", "ben")) {
            SyntheticParticipant person = new SyntheticParticipant(name, Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440);
            toClose.add(person);
            toClose.add(Dial.into(server, "metrics", person));
        }

        int promPort = TestServers.freeTcpPort();
        Files.writeString(dir.resolve("prom.yml"), "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                + "scrape_configs: [{job_name: mcu, metrics_path: /metrics, static_configs: [{targets: ['127.0.0.1:"
                + server.httpPort() + "']}]}]\n");
        Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prom.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        toClose.add(() -> {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        });

        Await.until(Duration.ofSeconds(40), () -> value(promPort, "sum(mcu_participants{job=\"mcu\"})") == 2,
                () -> "Prometheus answers " + describe(promPort, "sum(mcu_participants)") + "; its log: " + log(dir));
        assertEquals(2, value(promPort, "sum(mcu_participants{role=\"speaker\",transport=\"udp\"})"));
        assertEquals(1, value(promPort, "mcu_rooms"));
        double resident = value(promPort, "mcu_process_resident_memory_bytes");
        double outside = value(promPort, "mcu_memory_outside_heap_bytes");
        assertTrue(resident > 0 && outside > 0 && outside < resident, "resident " + resident + ", outside the heap " + outside);
        assertTrue(value(promPort, "jvm_memory_used_bytes{area=\"heap\"}") > 0, "JVM metrics are there");
        Await.until(Duration.ofSeconds(20), () -> value(promPort, "sum(mcu_media_packets_received_total{kind=\"audio\"})") > 0,
                () -> "no audio packets counted: " + describe(promPort, "mcu_media_packets_received_total"));
    }

    private double value(int port, String query) {
        JsonNode result = query(port, query);
        if (result == null || !result.isArray() || result.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (JsonNode sample : result) {
            sum += Double.parseDouble(sample.get("value").get(1).asText());
        }
        return sum;
    }

    private String describe(int port, String query) {
        JsonNode result = query(port, query);
        return result == null ? "nothing yet" : result.toString();
    }

    private JsonNode query(int port, String query) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            return Json.MAPPER.readTree(r.body()).path("data").path("result");
        } catch (Exception notUpYet) {
            return null;
        }
    }

    private static String log(Path dir) {
        try {
            String text = Files.readString(dir.resolve("prometheus.log"));
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (Exception e) {
            return e.toString();
        }
    }
}
