package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server as an operator runs it (its own JVM, {@code dev.mcu.app.Main}) gets SIGTERM, as from
 * {@code docker stop} or systemd, while a call is up: /readyz turns 503, a call for a new room
 * gets 503 with Retry-After, a call for the open room is still taken, and when
 * shutdown.graceSeconds has passed every caller gets a BYE and the process exits.
 */
class DrainOnSigtermTest {
    private static final int GRACE_SECONDS = 4;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process server;

    @TempDir
    Path dir;

    @AfterEach
    void closeEverything() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private int status(int httpPort, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private SipTestPhone.Outgoing call(int sipPort, String room, String name) throws Exception {
        SyntheticParticipant person = new SyntheticParticipant(name, Codec.PCMU, null, 0, ConferenceEndToEndTest.RED, 440);
        toClose.add(person);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", sipPort, "udp", name);
        toClose.add(phone);
        return phone.invite(room, person.offer());
    }

    @Test
    void sigtermDrainsThenHangsEveryoneUpAfterTheGrace() throws Exception {
        int sipPort = TestServers.freeSipPort();
        int httpPort = TestServers.freeTcpPort();
        int mediaBase = TestServers.freeUdpPorts(100);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.mcu.app.Main",
                "--set", "sip.port=" + sipPort, "--set", "http.port=" + httpPort, "--set", "sip.wsPort=0",
                "--set", "sip.wssPort=0", "--set", "sip.tlsPort=0", "--set", "http.httpsPort=0", "--set", "webrtc.port=0",
                "--set", "media.portMin=" + mediaBase, "--set", "media.portMax=" + (mediaBase + 99),
                "--set", "media.timeoutSeconds=0", "--set", "shutdown.graceSeconds=" + GRACE_SECONDS,
                "--set", "tls.keystore=" + dir.resolve("mcu-tls.p12"), "--set", "video.width=320",
                "--set", "video.height=180")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        Await.until(Duration.ofSeconds(30), () -> status(httpPort, "/readyz") == 200,
                () -> "the server never became ready:\n" + log());

        SipTestPhone.Outgoing first = call(sipPort, "standup", "first");
        PhoneResponse answered = first.awaitFinal();
        assertEquals(200, answered.status(), answered.reason());
        first.ack();

        server.destroy();   // SIGTERM
        long termAt = System.nanoTime();
        Await.until(Duration.ofSeconds(5), () -> status(httpPort, "/readyz") == 503,
                () -> "/readyz does not say 503 while draining:\n" + log());
        assertEquals(200, status(httpPort, "/healthz"), "alive while draining");

        PhoneResponse newRoom = call(sipPort, "retro", "late").awaitFinal();
        assertEquals(503, newRoom.status(), "a new room while draining");
        assertNotNull(newRoom.header("Retry-After"), "503 says when to retry");

        SipTestPhone.Outgoing second = call(sipPort, "standup", "second");
        PhoneResponse joined = second.awaitFinal();
        assertEquals(200, joined.status(), "the open room still takes calls: " + joined.reason());
        second.ack();

        assertNull(first.byes.poll(1, TimeUnit.SECONDS), "no BYE during the grace period");
        assertNotNull(first.byes.poll(GRACE_SECONDS + 10, TimeUnit.SECONDS), "no BYE after the grace period:\n" + log());
        assertNotNull(second.byes.poll(5, TimeUnit.SECONDS), "the late joiner got no BYE");
        long byeAfterMillis = (System.nanoTime() - termAt) / 1_000_000;
        assertTrue(byeAfterMillis >= (GRACE_SECONDS - 1) * 1000L, "hung up " + byeAfterMillis + " ms after SIGTERM");
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the process exits after hanging up");
        assertTrue(log().contains("Grace period over"), log());
    }

    private String log() {
        try {
            File f = dir.resolve("server.log").toFile();
            return f.exists() ? Files.readString(f.toPath()) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
