package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.transport.IoEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code media.ioEngine} is honoured: a server told to run its media sockets on an engine says so in
 * /metrics, and two phones calling it get each other's picture through those sockets; an engine
 * named that cannot run here stops the start with one line saying why and what to set. (Values
 * that name no engine are McuConfigTest's.)
 */
class MediaIoEngineTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @ParameterizedTest(name = "media.ioEngine={0}")
    @EnumSource(IoEngine.class)
    void theServerRunsItsMediaOnTheEngineItIsToldAndCallsGetTheirPictures(IoEngine engine) throws Exception {
        assumeTrue(engine.available(), () -> engine.setting() + " cannot run here: " + engine.unavailableBecause());
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "media.ioEngine=" + engine.setting());
        toClose.add(server);

        String metrics = TestServers.scrapeMetrics(server);
        assertTrue(metrics.contains("mcu_media_io_engine{engine=\"" + engine.setting() + "\"} 1"),
                "/metrics names the engine:\n" + metrics.lines().filter(l -> l.contains("io_engine")).toList());

        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440),
                new SyntheticParticipant("green", Codec.PCMU, Codec.VP8, 0, ConferenceEndToEndTest.GREEN, 700));
        for (SyntheticParticipant person : people) {
            toClose.add(person);
            toClose.add(Dial.into(server, "engine", person));
        }
        Await.until(Duration.ofSeconds(20), () -> people.stream().allMatch(p -> p.lastPicture() != null),
                () -> "on " + engine.setting() + " the phones never got a picture");
    }

    @Test
    void anEngineNamedThatCannotRunHereStopsTheStartWithTheCauseAndTheFix(@TempDir Path dir) throws Exception {
        // A server JVM of its own where Netty's native transports are off (as where io_uring is forbidden):
        // this JVM's Epoll and IoUring already decided they run.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        for (String key : List.of("media.ioEngine=io_uring", "sip.port=" + TestServers.freeSipPort(), "http.port=0",
                "http.httpsPort=0", "sip.wsPort=0", "sip.wssPort=0", "sip.tlsPort=0", "webrtc.port=0",
                "admin.token=an-admin-token-of-the-test", "tls.keystore=" + dir.resolve("tls.p12"))) {
            command.addAll(List.of("--set", key));
        }
        Process server = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not stop");
            String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, server.exitValue(), output);
            assertTrue(output.contains("mcu: cannot start: media.ioEngine is io_uring, but io_uring cannot run here (")
                    && output.contains("set media.ioEngine to auto or epoll"), output);
            assertFalse(output.contains("\tat "), "no stack trace for an operator's setting:\n" + output);
        } finally {
            server.destroyForcibly();
        }
    }
}
