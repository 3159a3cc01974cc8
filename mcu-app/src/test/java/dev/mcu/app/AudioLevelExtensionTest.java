package dev.mcu.app;

import dev.mcu.conference.RoomEvents;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Speaker detection takes a sender's own RFC 6464 level from its RTP header extension when it sends
 * one (as browsers do), and measures the decoded audio of everyone else.
 */
class AudioLevelExtensionTest {
    private static final String ROOM = "levels";
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aSilentSenderWhoseHeaderSaysLoudTakesTheFloorAndAToneWithoutTheHeaderIsStillHeard() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        McuServer server = TestServers.start(new RoomEvents() {
            @Override
            public void onTalkStarted(String room, String callId) {
                events.add("talk " + callId);
            }

            @Override
            public void onActiveSpeakerChanged(String room, String callId) {
                events.add("floor " + callId);
            }
        });
        toClose.add(server);
        // Its decoded audio is digital silence (0 Hz tone); only its header says -10 dBov with voice.
        SyntheticParticipant claimer = new SyntheticParticipant("claimer", Codec.OPUS, null, 0,
                ConferenceEndToEndTest.GREEN, 0).withAudioLevelExtension(10, true);
        SyntheticParticipant quiet = new SyntheticParticipant("quiet", Codec.OPUS, null, 0,
                ConferenceEndToEndTest.BLUE, 0);
        String claimerId = join(server, claimer);
        String quietId = join(server, quiet);
        assertEquals(SyntheticParticipant.AUDIO_LEVEL_EXTENSION_ID, claimer.agreedAudioLevelExtensionId(),
                "the MCU's answer echoes the offered a=extmap");
        assertEquals(-1, quiet.agreedAudioLevelExtensionId());

        Await.until(Duration.ofSeconds(15), () -> claimerId.equals(snapshot(server).activeSpeaker()),
                () -> "the header's level never gave the silent sender the floor: " + snapshot(server) + " " + events);
        // Mixing is decided every 20 ms round; one round may find its playout buffer empty on a busy machine.
        Await.until(Duration.ofSeconds(5), () -> snapshot(server).mixedSpeakers().contains(claimerId),
                () -> "it is mixed, too: " + snapshot(server));

        // A real tone from a sender without the extension is measured from its decoded audio.
        SyntheticParticipant toner = new SyntheticParticipant("toner", Codec.OPUS, null, 0,
                ConferenceEndToEndTest.RED, 600);
        String tonerId = join(server, toner);
        Await.until(Duration.ofSeconds(15), () -> events.contains("talk " + tonerId),
                () -> "the tone was not detected from decoded audio: " + snapshot(server) + " " + events);
        Await.until(Duration.ofSeconds(5), () -> snapshot(server).mixedSpeakers().contains(tonerId),
                () -> "the tone is not mixed: " + snapshot(server));
        assertFalse(events.contains("talk " + quietId), "silence without the extension never talks: " + events);
    }

    /** Calls the room from a SIP phone with this participant's offer; returns the call id. */
    private String join(McuServer server, SyntheticParticipant person) throws Exception {
        toClose.add(person);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
        toClose.add(phone);
        SipTestPhone.Outgoing call = phone.invite(ROOM, person.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status());
        call.ack();
        person.start(answer.body());
        return call.dialog().getCallId().getCallId();
    }

    private static McuServer.RoomSnapshot snapshot(McuServer server) {
        return server.roomSnapshot(ROOM).orElseThrow();
    }
}
