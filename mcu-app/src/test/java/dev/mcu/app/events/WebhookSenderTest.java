package dev.mcu.app.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mcu.app.http.Json;
import dev.mcu.app.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks against a receiver on loopback (the JDK's HTTP server stands in for the operator's
 * receiver, which is whatever they run).
 */
class WebhookSenderTest {
    private static final String SECRET = "webhook-secret";

    private record Received(String signature, String event, byte[] body) {
    }

    @Test
    void eventsArePostedSignedAndAFailedPostIsRetried() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // the first attempt fails: the sender must retry
            int status = attempts.incrementAndGet() == 1 ? 500 : 204;
            if (status == 204) {
                received.add(new Received(exchange.getRequestHeaders().getFirst("X-MCU-Signature"),
                        exchange.getRequestHeaders().getFirst("X-MCU-Event"), body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try (WebhookSender sender = new WebhookSender(
                List.of(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")), SECRET,
                Duration.ofMillis(50))) {
            sender.accept(McuEvent.of("participant.left", "board", "p3", Map.of("reason", "kicked")));
            // the receiver stores the post before it answers, and the sender counts it once the answer is back
            Await.until(Duration.ofSeconds(10), () -> received.size() == 1 && sender.delivered() == 1,
                    () -> "the webhook arrives after one retry and the sender counts it: received " + received.size()
                            + ", delivered " + sender.delivered());
            Received r = received.get(0);
            assertEquals("participant.left", r.event());
            assertEquals("sha256=" + WebhookSender.signature(SECRET.getBytes(StandardCharsets.UTF_8), r.body()), r.signature());
            assertTrue(!WebhookSender.signature("other".getBytes(StandardCharsets.UTF_8), r.body()).equals(
                    r.signature().substring(7)), "the signature depends on the secret");
            JsonNode body = Json.MAPPER.readTree(r.body());
            assertEquals("kicked", body.get("reason").asText());
            assertEquals("p3", body.get("participant").asText());
            assertEquals(2, attempts.get());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aFloodFillsTheBoundedQueueAndTheRestIsCountedAsDropped() throws Exception {
        // A 10 s pause after the first failed attempt: the sender holds that one delivery while the
        // flood is published (with a short pause it took more, as its retries ended, on a starved machine).
        try (WebhookSender sender = new WebhookSender(List.of(URI.create("http://127.0.0.1:" + closedPort() + "/hook")),
                SECRET, Duration.ofSeconds(10))) {
            sender.accept(McuEvent.of("participant.talking", "board", "p1", Map.of("talking", true)));
            Await.until(Duration.ofSeconds(10), () -> sender.queued() == 0, () -> "the sender never took the first event");
            int published = WebhookSender.QUEUE_CAPACITY + 500;
            for (int i = 0; i < published; i++) {
                sender.accept(McuEvent.of("participant.talking", "board", "p1", Map.of("talking", true)));
            }
            assertEquals(WebhookSender.QUEUE_CAPACITY, sender.queued(), "the queue stays bounded");
            assertEquals(500, sender.droppedQueueFull(), "what did not fit is counted");
            assertEquals(0, sender.delivered());
        }
    }

    @Test
    void aDeliveryThatFailsEveryAttemptIsCountedAndNeverBlocksThePublisher() throws Exception {
        try (WebhookSender sender = new WebhookSender(List.of(URI.create("http://127.0.0.1:" + closedPort() + "/hook")),
                SECRET, Duration.ofMillis(20))) {
            sender.accept(McuEvent.of("participant.talking", "board", "p1", Map.of("talking", true)));
            Await.until(Duration.ofSeconds(10), () -> sender.droppedAfterRetries() == 1,
                    () -> "a delivery that failed every attempt is counted");
            assertEquals(0, sender.delivered());
            assertEquals(0, sender.droppedQueueFull());
        }
    }

    /** A loopback port nobody listens on: connecting to it is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
