package dev.mcu.app;

import dev.mcu.app.events.EventBus;
import dev.mcu.app.events.WebhookSender;
import dev.mcu.media.MediaKind;
import dev.mcu.transport.TransportStats;
import dev.mcu.transport.BatchedWrites;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The server's Prometheus metrics (Micrometer): rooms, participants by role and transport, media
 * packets and bytes, NACK and keyframe requests, drops, media timeouts, PIN refusals, events and
 * webhook deliveries, the JVM, and resident memory outside the Java heap.
 *
 * <p>Threads: gauges and counters are read on the HTTP worker that answers {@code /metrics};
 * {@link #retire} runs on the SIP thread that ends a call.
 */
final class ServerMetrics implements AutoCloseable {
    private static final long PAGE_SIZE = 4096;

    private final PrometheusMeterRegistry registry;   // owned: closed in close()
    private final RoomControl control;           // borrowed
    private final JvmGcMetrics gc = new JvmGcMetrics();   // owned
    private final MultiGauge participants;
    /** Media counters of calls that ended, so the totals never go down. */
    private final Map<String, LongAdder> retired = new HashMap<>();

    /** @param registry owned from now on; the rooms' {@link MediaMetrics} are already in it */
    ServerMetrics(PrometheusMeterRegistry registry, RoomRegistry rooms, RoomControl control, PinGate pins, EventBus events,
                  WebhookSender webhooks) {
        this.registry = registry;
        this.control = control;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("mcu.rooms", rooms, r -> r.rooms().size()).description("Open rooms").register(registry);
        this.participants = MultiGauge.builder("mcu.participants").description("Participants by role and transport")
                .register(registry);
        COUNTERS.forEach(this::media);
        FunctionCounter.builder("mcu.calls.media.timeouts", control, RoomControl::mediaTimeouts)
                .description("Calls ended because their media stopped (media.timeoutSeconds)").register(registry);
        FunctionCounter.builder("mcu.pin.refused", pins, PinGate::refusedWrongPin).tag("reason", "wrong")
                .description("Calls refused for a wrong PIN").register(registry);
        FunctionCounter.builder("mcu.pin.refused", pins, PinGate::refusedRateLimited).tag("reason", "rate-limited")
                .description("Calls refused because their address tried too many PINs").register(registry);
        FunctionCounter.builder("mcu.media.packets.dropped.late", BatchedWrites.class, c -> BatchedWrites.droppedLate())
                .description("RTP/RTCP packets dropped because a media event loop could not send them within 200 ms"
                        + " (more receivers than CPU)").register(registry);
        FunctionCounter.builder("mcu.events.published", events, EventBus::published).register(registry);
        Gauge.builder("mcu.events.readers", events, EventBus::readers).register(registry);
        if (webhooks != null) {
            FunctionCounter.builder("mcu.webhooks.delivered", webhooks, WebhookSender::delivered).register(registry);
            FunctionCounter.builder("mcu.webhooks.dropped", webhooks, WebhookSender::droppedQueueFull)
                    .tag("reason", "queue-full").register(registry);
            FunctionCounter.builder("mcu.webhooks.dropped", webhooks, WebhookSender::droppedAfterRetries)
                    .tag("reason", "receiver-failed").register(registry);
        }
        Gauge.builder("mcu.process.resident.memory", this, m -> residentBytes()).baseUnit("bytes")
                .description("Resident set size of the process (heap, native memory of FFmpeg and Netty, stacks)")
                .register(registry);
        // Heap pages are resident only once touched, so "resident minus committed heap" can read 0 while
        // native memory grows; resident minus used heap is an upper bound that moves with native use.
        Gauge.builder("mcu.memory.outside.heap", this, m -> Math.max(0, residentBytes()
                        - ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())).baseUnit("bytes")
                .description("Resident memory beyond the Java heap in use (an upper bound of native codec buffers,"
                        + " direct buffers, metaspace and stacks)")
                .register(registry);
    }

    /** Which Netty transport the media sockets run on (media.ioEngine as resolved at start): 1 for that engine. */
    void mediaIoEngine(String engine) {
        Gauge.builder("mcu.media.io.engine", () -> 1).tag("engine", engine)
                .description("The media sockets' Netty transport (media.ioEngine: io_uring, epoll or nio)").register(registry);
    }

    /** What the SIP stacks (UDP/TCP/TLS, WS, WSS) refused or dropped before any call saw it. */
    void watch(dev.mcu.sip.SipServer sip) {
        sipCounter(sip, "mcu.sip.refused", "malformed", c -> c.malformedRefused(),
                "Malformed SIP requests answered with 400, 505 or 513");
        sipCounter(sip, "mcu.sip.refused", "flood", c -> c.floodLimited(),
                "INVITEs and OPTIONS refused because their address sent too many (sip.floodLimitPerSecond)");
        sipCounter(sip, "mcu.sip.refused", "origin", c -> c.webSocketOriginRefused(),
                "SIP over WebSocket upgrades refused with 403 for their page's Origin (sip.allowedOrigins)");
        sipCounter(sip, "mcu.sip.refused", "media-ports", c -> c.mediaPortsRefused(),
                "Calls refused with 503 for want of media ports: none free in media.portMin..portMax or under the"
                        + " open-file limit, or one found free was taken by another program before it was bound");
        sipCounter(sip, "mcu.sip.dropped", "malformed", c -> c.malformedDropped(),
                "Malformed SIP messages no answer could be addressed to");
        sipCounter(sip, "mcu.sip.dropped", "stray-response", c -> c.responsesDropped(),
                "SIP responses matching none of our requests");
    }

    private void sipCounter(dev.mcu.sip.SipServer sip, String name, String reason,
                            ToLongFunction<dev.mcu.sip.SipProtocolCounters> counter, String description) {
        FunctionCounter.builder(name, sip, s -> counter.applyAsLong(s.protocolCounters())).tag("reason", reason)
                .description(description).register(registry);
    }

    private void media(String name, ToLongFunction<TransportStats> counter) {
        for (MediaKind kind : MediaKind.values()) {
            LongAdder done = new LongAdder();
            retired.put(name + "|" + kind, done);
            FunctionCounter.builder(name, this, m -> done.sum() + m.current(kind, counter))
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    private long current(MediaKind kind, ToLongFunction<TransportStats> counter) {
        long sum = 0;
        for (RoomControl.Member m : control.members()) {
            sum += safe(m, kind, counter);
        }
        return sum;
    }

    private static long safe(RoomControl.Member m, MediaKind kind, ToLongFunction<TransportStats> counter) {
        try {
            return Math.max(0, counter.applyAsLong(m.call.transport().stats(kind)));
        } catch (RuntimeException closing) {
            return 0;
        }
    }

    /** A call ended: its counters move into the retired totals. */
    void retire(RoomControl.Member m) {
        for (Map.Entry<String, LongAdder> e : retired.entrySet()) {
            String[] parts = e.getKey().split("\\|");
            MediaKind kind = MediaKind.valueOf(parts[1]);
            ToLongFunction<TransportStats> counter = COUNTERS.get(parts[0]);
            e.getValue().add(safe(m, kind, counter));
        }
    }

    /** Every media counter, summed over all calls' transports; per media kind. */
    private static final Map<String, ToLongFunction<TransportStats>> COUNTERS = Map.ofEntries(
            Map.entry("mcu.media.packets.received", TransportStats::packetsReceived),
            Map.entry("mcu.media.packets.sent", TransportStats::packetsSent),
            Map.entry("mcu.media.bytes.received", TransportStats::bytesReceived),
            Map.entry("mcu.media.bytes.sent", TransportStats::bytesSent),
            Map.entry("mcu.media.packets.lost", TransportStats::packetsLost),
            Map.entry("mcu.media.nack.received", TransportStats::nacksReceived),
            Map.entry("mcu.media.retransmitted", TransportStats::retransmitted),
            Map.entry("mcu.media.keyframe.requests.received", TransportStats::keyframeRequestsReceived),
            Map.entry("mcu.media.keyframe.requests.sent", TransportStats::keyframeRequestsSent),
            Map.entry("mcu.media.dropped", TransportStats::dropped),
            Map.entry("mcu.media.send.dropped", TransportStats::sendDropped));

    /** The Prometheus text exposition, with the participant gauges brought up to date first. */
    String scrape() {
        Map<Tags, Integer> counts = new HashMap<>();
        for (RoomControl.Member m : control.members()) {
            counts.merge(Tags.of("role", m.role.wireName(), "transport", m.transport), 1, Integer::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String role : List.of("host", "speaker", "attendee")) {
            for (String transport : List.of("udp", "tcp", "tls", "ws", "wss", "webrtc")) {
                Tags tags = Tags.of("role", role, "transport", transport);
                rows.add(MultiGauge.Row.of(tags, counts.getOrDefault(tags, 0)));
            }
        }
        participants.register(rows, true);
        return registry.scrape();
    }

    private static long residentBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            return 0;   // not Linux: the gauge reads 0
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
