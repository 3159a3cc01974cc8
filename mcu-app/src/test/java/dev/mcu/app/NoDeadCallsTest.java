package dev.mcu.app;

import dev.mcu.app.events.McuEvent;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Calls whose media stopped are ended (media.timeoutSeconds, short here): a real phone killed
 * with SIGKILL, and a caller that never sends media after its ACK.
 */
class NoDeadCallsTest {
    private static final int TIMEOUT_SECONDS = 3;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private McuServer start() throws Exception {
        McuServer server = TestServers.start("media.timeoutSeconds=" + TIMEOUT_SECONDS);
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        return server;
    }

    @Test
    void aBaresipKilledWithSigkillIsGoneFromTheRoomWithinTheTimeout(@TempDir Path dir) throws Exception {
        assumeTrue(BaresipPhone.whatIsMissing().isEmpty(), () -> "baresip is not installed: " + BaresipPhone.whatIsMissing().orElse(""));
        McuServer server = start();
        BaresipPhone phone = BaresipPhone.dial(dir, "sip:standup@127.0.0.1:" + server.config().sip().port(), "vp8");
        toClose.add(phone);
        Await.until(Duration.ofSeconds(20), () -> server.roomSnapshot("standup").map(s -> s.framesDecoded() > 10).orElse(false),
                () -> "baresip's video never reached the room: " + server.roomSnapshot("standup") + "\n" + phone.log());
        // Media flows for longer than the timeout: a live call is not ended.
        Thread.sleep(TIMEOUT_SECONDS * 1000L + 1000);
        assertEquals(1, server.calls().size(), "a call with media is kept");

        phone.close();   // SIGKILL: no BYE, the media just stops
        long killedAt = System.nanoTime();
        Await.until(Duration.ofSeconds(TIMEOUT_SECONDS + 5), () -> server.calls().isEmpty() && server.openRooms().isEmpty(),
                () -> "the killed phone's call is still up: " + server.calls().size() + " calls, rooms " + server.openRooms());
        long goneAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertTrue(goneAfterMillis >= (TIMEOUT_SECONDS - 1) * 1000L, "not ended before the timeout: " + goneAfterMillis + " ms");
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "media-timeout".equals(e.fields().get("reason"))), events::toString);
    }

    @Test
    void aCallerThatNeverSendsMediaAfterItsAckIsHungUpWithABye() throws Exception {
        McuServer server = start();
        SyntheticParticipant mute = new SyntheticParticipant("silent", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440);
        toClose.add(mute);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "silent");
        toClose.add(phone);
        SipTestPhone.Outgoing call = phone.invite("standup", mute.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status());
        call.ack();   // and never start sending
        assertEquals(1, server.calls().size());
        assertNotNull(call.byes.poll(TIMEOUT_SECONDS + 5, java.util.concurrent.TimeUnit.SECONDS),
                "no BYE for a call that never sent media");
        Await.until(Duration.ofSeconds(5), () -> server.calls().isEmpty(), () -> server.calls().size() + " calls left");
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "media-timeout".equals(e.fields().get("reason"))), events::toString);
    }
}
