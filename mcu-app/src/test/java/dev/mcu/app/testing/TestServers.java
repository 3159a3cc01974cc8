package dev.mcu.app.testing;

import dev.mcu.conference.RoomEvents;
import dev.mcu.app.McuConfig;
import dev.mcu.app.McuServer;
import dev.mcu.transport.FreePortRange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Starts MCU servers on loopback with ports no other test uses. Every port comes from transport's
 * {@link FreePortRange} (61000-65535), which says why that range.
 */
public final class TestServers {
    private static final int FIRST_PORT = FreePortRange.FIRST_PORT;
    private static final int LAST_PORT = FreePortRange.LAST_PORT;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path tlsDirectory; // one per test JVM, so a generated certificate is reused

    private TestServers() {
    }

    /** Where tests keep the TLS keystore (generated on the first server with https or wss on). */
    public static synchronized Path tlsKeystore() throws IOException {
        if (tlsDirectory == null) {
            tlsDirectory = Files.createTempDirectory("mcu-test-tls");
            tlsDirectory.toFile().deleteOnExit();
            tlsDirectory.resolve("mcu-tls.p12").toFile().deleteOnExit();
        }
        return tlsDirectory.resolve("mcu-tls.p12");
    }

    /** A port free for both UDP and TCP on 127.0.0.1 right now. */
    public static int freeSipPort() throws IOException {
        return FreePortRange.udpAndTcp();
    }

    /**
     * The ports the overrides name ({@code http.port=N} and the like): a port a test picked a moment
     * ago is free again until the server binds it, so nothing else may be picked onto it.
     */
    private static Set<Integer> portsNamedIn(String... overrides) {
        Set<Integer> named = new HashSet<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq > 0 && o.substring(0, eq).toLowerCase(Locale.ROOT).endsWith("port")) {
                try {
                    named.add(Integer.parseInt(o.substring(eq + 1).trim()));
                } catch (NumberFormatException notAPort) {
                    // not a number: nothing to avoid
                }
            }
        }
        return named;
    }

    /** The last {@code key=value} override's value for {@code key} as a number, else {@code otherwise}. */
    private static int namedValue(String[] overrides, String key, int otherwise) {
        int value = otherwise;
        for (String o : overrides) {
            if (o.startsWith(key + "=")) {
                value = Integer.parseInt(o.substring(key.length() + 1).trim());
            }
        }
        return value;
    }

    /** {@link #freeSipPort()}, but none of {@code taken}. */
    private static int freeSipPortNotIn(Set<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freeSipPort();
            if (!taken.contains(port)) {
                return port;
            }
        }
        throw new IOException("no free SIP port outside " + taken);
    }

    /** A TCP port free on 127.0.0.1 right now (for http.port and the like, where 0 means off). */
    public static int freeTcpPort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = randomPort();
            try (ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no TCP port free in " + FIRST_PORT + "-" + LAST_PORT);
    }

    /**
     * The first (even) port of {@code count} consecutive UDP ports all free on 127.0.0.1 right now:
     * a media range (media.portMin..portMax) or a phone's RTP range.
     */
    public static int freeUdpPorts(int count) throws IOException {
        return FreePortRange.between(FIRST_PORT, LAST_PORT, count);
    }

    private static int randomPort() {
        return FIRST_PORT + ThreadLocalRandom.current().nextInt(LAST_PORT - FIRST_PORT + 1);
    }

    /** The server's /metrics page (Prometheus text), asserting it answers 200. */
    public static String scrapeMetrics(McuServer server) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping /metrics", e);
        }
    }

    /**
     * A server with a small canvas (tests decode what it sends) on fresh SIP and media ports.
     * Extra {@code key=value} overrides come last.
     */
    public static McuServer start(String... overrides) throws IOException {
        return start(RoomEvents.NONE, overrides);
    }

    public static McuServer start(RoomEvents events, String... overrides) throws IOException {
        Set<Integer> taken = portsNamedIn(overrides);
        int sipPort = freeSipPortNotIn(taken);
        // The SIP port is picked free but bound only when the server starts: the WebRTC port must not
        // be picked onto it (it was, one server start in ~4,000, and the second to bind failed).
        taken.add(sipPort);
        // At 40000 up, sockets bound to port 0 and run-sipp's server (41000-59999) held every pair
        // of a test's range (503 "no free media ports"); at 10000 up, a load benchmark's did.
        int mediaBase = freeUdpPorts(400);
        // A test that sets its own media range (media.portMin/portMax overrides win) needs the WebRTC
        // port outside that range, not only outside this default one (it landed inside once in CI).
        int mediaMin = namedValue(overrides, "media.portMin", mediaBase);
        int mediaMax = namedValue(overrides, "media.portMax", mediaBase + 399);
        List<String> all = new ArrayList<>(List.of(
                "sip.port=" + sipPort,
                "sip.wsPort=0",   // browser tests give free ports; fixed defaults would collide
                "http.port=0",
                "sip.wssPort=0",   // https, wss and SIP over TLS off unless a test gives ports
                "sip.tlsPort=0",
                "http.httpsPort=0",
                "tls.keystore=" + tlsKeystore(),
                "media.portMin=" + mediaBase,
                "media.portMax=" + (mediaBase + 399),
                "webrtc.port=" + FreePortRange.udpOutside(Math.min(mediaBase, mediaMin), Math.max(mediaBase + 399, mediaMax), taken),
                "video.width=640",
                "video.height=360",
                "video.fps=15",
                "video.bitrateKbps=800",
                "video.keyframeIntervalSeconds=2"));
        all.addAll(List.of(overrides));
        return new McuServer(McuConfig.load(null, all), events);
    }
}
