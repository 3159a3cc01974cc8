package dev.mcu.app;

import dev.mcu.app.events.McuEvent;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RFC 4028 session timers against sipp (Debian sip-tester) playing a phone: the scenarios in
 * src/test/resources/sipp check the status codes and headers the server sends (422 with Min-SE,
 * Session-Expires with the refresher, Require: timer, our UPDATE refresh) and fail on anything
 * else; the server's events say why the call ended. The server runs with a 2 s Min-SE so that an
 * interval fits in a test.
 */
class SessionTimerSippTest {
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();
    private McuServer server;

    @TempDir
    Path work;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new File("/usr/bin/sipp").canExecute(), "skipped: sipp is not installed (apt-get install sip-tester)");
        server = TestServers.start("sip.minSessionExpiresSeconds=2", "sip.floodLimitPerSecond=0");
        server.events().subscribe(events::add);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPhoneThatStopsRefreshingIsHungUpAfterTheIntervalAndATooShortOneGets422() throws Exception {
        long startedAt = System.nanoTime();
        runSipp("session-timer-refreshed-then-lapses.xml");
        long endedAfterMillis = (System.nanoTime() - startedAt) / 1_000_000;
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "session-expired".equals(e.fields().get("reason"))), events::toString);
        // The refresh 2 s in moved the end: without it the BYE would come 2.7 s after the answer.
        assertTrue(endedAfterMillis >= 4_000, "hung up " + endedAfterMillis + " ms after the call began, before the"
                + " refreshed interval ran out");
        assertTrue(server.calls().isEmpty());
    }

    @Test
    void asRefresherTheServerSendsAnUpdateWithinTheInterval() throws Exception {
        runSipp("session-timer-server-refreshes.xml");
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "bye".equals(e.fields().get("reason"))), events::toString);
        assertTrue(events.stream().noneMatch(e -> "session-expired".equals(e.fields().get("reason"))), events::toString);
    }

    /** Runs one call of {@code scenario}; sipp's exit code 0 means every expected message and header came. */
    private void runSipp(String scenario) throws Exception {
        Path xml = work.resolve(scenario);
        try (InputStream in = getClass().getResourceAsStream("/sipp/" + scenario)) {
            Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
        }
        Process sipp = new ProcessBuilder("sipp", "-sf", xml.toString(), "127.0.0.1:" + server.config().sip().port(),
                "-s", "standup", "-i", "127.0.0.1", "-p", Integer.toString(freeUdpPort()),
                "-mp", Integer.toString(freeUdpPort()), "-m", "1", "-l", "1", "-nostdin", "-timeout", "40s",
                "-timeout_error", "-trace_err", "-error_file", "errors.log", "-trace_msg", "-message_file", "messages.log")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("sipp.out").toFile())
                .start();
        boolean ended = sipp.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            sipp.destroyForcibly();
        }
        assertTrue(ended, "sipp finished");
        assertEquals(0, sipp.exitValue(), () -> "sipp failed the scenario " + scenario + ":\n" + read("errors.log")
                + "\n" + read("messages.log"));
    }

    private String read(String name) {
        try {
            Path p = work.resolve(name);
            return Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
