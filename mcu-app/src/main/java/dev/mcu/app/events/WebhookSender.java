package dev.mcu.app.events;

import dev.mcu.app.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Posts every event as JSON to each of {@code webhooks.urls}, signed with HMAC-SHA256 of the body
 * under {@code webhooks.secret} in {@code X-MCU-Signature: sha256=<hex>}. A failed post (no
 * answer, or a status other than 2xx) is retried with growing pauses; after the last attempt, or
 * when the bounded queue is full, the delivery is dropped and counted, never waited for.
 *
 * <p>Threads: {@link #accept} runs on the publisher's thread and only offers to the queue; one
 * thread of its own posts. Owns that thread and the queue, stopped by {@link #close()}.
 */
public final class WebhookSender implements Consumer<McuEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    public static final int QUEUE_CAPACITY = 1000;
    static final int ATTEMPTS = 4;

    private record Delivery(URI url, McuEvent event) {
    }

    private final List<URI> urls;
    private final byte[] secret;
    private final Duration firstBackoff;
    private final BlockingQueue<Delivery> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final HttpClient client;
    private final Thread sender;                         // owned
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedAfterRetries = new AtomicLong();
    private volatile boolean closed;

    /** @param firstBackoff the pause before the first retry; each later one doubles it */
    public WebhookSender(List<URI> urls, String secret, Duration firstBackoff) {
        this.urls = List.copyOf(urls);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.firstBackoff = firstBackoff;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.sender = new Thread(this::run, "webhooks");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void accept(McuEvent event) {
        for (URI url : urls) {
            if (closed || !queue.offer(new Delivery(url, event))) {
                droppedQueueFull.incrementAndGet();
            }
        }
    }

    private void run() {
        while (!closed) {
            Delivery delivery;
            try {
                delivery = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (delivery != null) {
                deliver(delivery);
            }
        }
    }

    private void deliver(Delivery delivery) {
        byte[] body = Json.bytes(delivery.event().body());
        HttpRequest request = HttpRequest.newBuilder(delivery.url())
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("X-MCU-Event", delivery.event().type())
                .header("X-MCU-Signature", "sha256=" + signature(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long pause = firstBackoff.toMillis();
        String lastFailure = "";
        for (int attempt = 1; attempt <= ATTEMPTS && !closed; attempt++) {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                lastFailure = "answered " + status;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < ATTEMPTS) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                pause *= 2;
            }
        }
        droppedAfterRetries.incrementAndGet();
        log.warn("Webhook {} dropped a {} event after {} attempts (last: {}); is the receiver up?",
                delivery.url(), delivery.event().type(), ATTEMPTS, lastFailure);
    }

    /** Hex HMAC-SHA256 of {@code body}: what a receiver recomputes to trust a post. */
    public static String signature(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long droppedQueueFull() {
        return droppedQueueFull.get();
    }

    public long droppedAfterRetries() {
        return droppedAfterRetries.get();
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
