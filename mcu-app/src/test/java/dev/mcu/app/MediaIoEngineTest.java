package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.transport.IoEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code media.ioEngine} is honoured: a server told to run its media sockets on an engine says so in
 * /metrics, and two phones calling it get each other's picture through those sockets. (Bad values
 * are McuConfigTest's.)
 */
class MediaIoEngineTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

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

        String metrics = scrape(server);
        assertTrue(metrics.contains("mcu_media_io_engine{engine=\"" + engine.setting() + "\"} 1"),
                "/metrics names the engine:\n" + metrics.lines().filter(l -> l.contains("io_engine")).toList());

        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440),
                new SyntheticParticipant("green", Codec.PCMU, Codec.VP8, 0, ConferenceEndToEndTest.GREEN, 700));
        for (SyntheticParticipant person : people) {
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("engine", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), answer.reason());
            call.ack();
            person.start(answer.body());
        }
        Await.until(Duration.ofSeconds(20), () -> people.stream().allMatch(p -> p.lastPicture() != null),
                () -> "on " + engine.setting() + " the phones never got a picture");
    }

    private String scrape(McuServer server) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
