package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Only the loudest speakers are mixed, and everyone else shares one encode of the mix: in a room
 * with one mixed speaker, a second talker and three silent listeners, all on PCMU, each 20 ms round
 * costs two audio encodes (the speaker's mix-minus and the shared mix), and what each one hears
 * follows from that.
 */
class SharedListenerMixTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void listenersShareOneEncodeAndTheMixedSpeakerDoesNotHearItself() throws Exception {
        McuServer server = TestServers.start("audio.maxSpeakers=1");
        toClose.add(server);
        SyntheticParticipant talker = new SyntheticParticipant("talker", Codec.PCMU, null, 0, new int[3], 500);
        SyntheticParticipant interrupter = new SyntheticParticipant("interrupter", Codec.PCMU, null, 0, new int[3], 1300);
        List<SyntheticParticipant> people = new ArrayList<>(List.of(talker, interrupter));
        for (int i = 0; i < 3; i++) {
            people.add(new SyntheticParticipant("listener" + i, Codec.PCMU, null, 0, new int[3], 0));
        }
        List<String> callIds = new ArrayList<>();
        for (SyntheticParticipant person : people) {
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("webinar", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status());
            call.ack();
            person.start(answer.body());
            if (person == talker) {
                // The talker is alone for a moment, so it is the one speaker when the interrupter starts.
                Await.until(Duration.ofSeconds(10), () -> mixed(server).size() == 1, () -> "nobody mixed yet");
            }
        }
        String speakerCallId = mixed(server).get(0);

        Await.until(Duration.ofSeconds(20), () -> people.stream().allMatch(p -> p.samplesHeard() > 2 * Audio.SAMPLE_RATE),
                () -> "not everyone hears the room yet");
        Await.until(Duration.ofSeconds(10), () -> hears(talker, 1300) < 200 && hears(talker, 500) < 200
                        && hears(interrupter, 500) > 2000 && hears(interrupter, 1300) < 200
                        && people.subList(2, 5).stream().allMatch(l -> hears(l, 500) > 2000 && hears(l, 1300) < 200),
                () -> "talker hears 500/1300 Hz " + (int) hears(talker, 500) + "/" + (int) hears(talker, 1300)
                        + ", interrupter " + (int) hears(interrupter, 500) + "/" + (int) hears(interrupter, 1300)
                        + ", listener0 " + (int) hears(people.get(2), 500) + "/" + (int) hears(people.get(2), 1300));

        McuServer.RoomSnapshot room = server.roomSnapshot("webinar").orElseThrow();
        assertEquals(List.of(speakerCallId), room.mixedSpeakers(), "the first talker keeps the floor");
        assertEquals(2, room.audioEncodesLastRound(), "one mix-minus for the speaker plus one shared PCMU mix");
    }

    private static List<String> mixed(McuServer server) {
        return server.roomSnapshot("webinar").map(McuServer.RoomSnapshot::mixedSpeakers).orElse(List.of());
    }

    private static double hears(SyntheticParticipant listener, double hz) {
        return Tones.amplitude(listener.lastHeard(Audio.SAMPLE_RATE), hz, Audio.SAMPLE_RATE);
    }
}
