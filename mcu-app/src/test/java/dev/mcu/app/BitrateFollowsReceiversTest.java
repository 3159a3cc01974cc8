package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With a one-layer ladder ({@code video.layers=[]}: everyone gets the canvas), a receiver whose REMB
 * says it can take only 300 kbit/s brings its output profile down to that (with headroom), never
 * below the floor, and the profile goes back up when the estimate recovers. With the ladder on, the
 * slow receiver gets a smaller layer instead (OutputLadderTest).
 */
class BitrateFollowsReceiversTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void theProfileFollowsItsSlowestReceiverBetweenTheFloorAndTheConfiguredRate() throws Exception {
        McuServer server = TestServers.start("video.bitrateKbps=1000", "video.minBitrateKbps=200",
                "video.layers=[]");
        toClose.add(server);
        List<SyntheticParticipant> people = new ArrayList<>();
        for (String name : List.of("fast", "slow")) {
            SyntheticParticipant person = new SyntheticParticipant(name, Codec.OPUS, Codec.H264, 1,
                    ConferenceEndToEndTest.GREEN, 0);
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", name);
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("remb", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status());
            call.ack();
            person.start(answer.body());
            people.add(person);
        }
        SyntheticParticipant slow = people.get(1);
        Await.until(Duration.ofSeconds(10), () -> slow.videoPacketsReceived() > 10, () -> "no video for the slow receiver");
        assertEquals(1000, bitrate(server));

        Await.until(Duration.ofSeconds(10), () -> {
            slow.sendRemb(300_000);
            return bitrate(server) == 270;
        }, () -> "after REMB 300 kbit/s the profile runs at " + bitrate(server));
        Await.until(Duration.ofSeconds(10), () -> {
            slow.sendRemb(50_000);
            return bitrate(server) == 200;
        }, () -> "after REMB 50 kbit/s (below the floor) the profile runs at " + bitrate(server));
        Await.until(Duration.ofSeconds(10), () -> {
            slow.sendRemb(20_000_000);
            return bitrate(server) == 1000;
        }, () -> "after the estimate recovered the profile runs at " + bitrate(server));
    }

    private static int bitrate(McuServer server) {
        return server.roomSnapshot("remb").map(s -> s.videoBitrateKbps().getOrDefault("H264/mode1", -1)).orElse(-1);
    }
}
