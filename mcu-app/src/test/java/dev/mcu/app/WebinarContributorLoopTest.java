package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A webinar's speakers are read on their own event loop: with every media-io loop (the attendees'
 * loops) held by a task, as when they are busy sending the program to thousands of attendees, the
 * host still hears the speaker's tone through the mix, while the attendee hears nothing until the
 * loops are free again (its sockets are on media-io, not on the contributors' loop). On a server
 * with every call on media-io, the host hears nothing while they are held.
 *
 * <p>Synthetic SIP phones on loopback (the project's own); audio only.
 */
class WebinarContributorLoopTest {
    private static final String ROOM = "stage";
    private static final String HOST_PIN = "1357";
    private static final String SPEAKER_PIN = "2468";
    private static final double SPEAKER_HZ = 1000;
    private static final double HOST_HZ = 600;
    private static final double ATTENDEE_HZ = 440;
    private static final int[] GREY = {128, 128, 128};
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void theHostHearsTheSpeakerWhileTheAttendeesLoopsAreHeld() throws Exception {
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "rooms.list=[{name: " + ROOM
                + ", mode: webinar, hostPin: '" + HOST_PIN + "', speakerPin: '" + SPEAKER_PIN + "'}]");
        toClose.add(server);
        SyntheticParticipant speaker = dial(server, "speaker", ROOM + "*" + SPEAKER_PIN, SPEAKER_HZ);
        SyntheticParticipant host = dial(server, "host", ROOM + "*" + HOST_PIN, HOST_HZ);
        SyntheticParticipant attendee = dial(server, "attendee", ROOM, ATTENDEE_HZ);
        Await.until(Duration.ofSeconds(15), () -> host.hearsTone(SPEAKER_HZ) && attendee.hearsTone(SPEAKER_HZ),
                () -> "before holding the loops: the host hears " + host.toneAmplitudeHeard(SPEAKER_HZ) + ", the attendee "
                        + attendee.toneAmplitudeHeard(SPEAKER_HZ) + " of the speaker's tone");

        MediaIoHold.whileHeld(server, () -> {
            long hostPackets = host.audioPacketsReceived();
            long attendeePackets = attendee.audioPacketsReceived();
            // 2 s of fresh audio at the host, and the speaker's tone in its last half second
            Await.until(Duration.ofSeconds(15), () -> host.audioPacketsReceived() >= hostPackets + 100,
                    () -> "with media-io held the host got " + (host.audioPacketsReceived() - hostPackets)
                            + " audio packets: the speaker's or the host's sockets wait for the attendees' loops");
            assertTrue(host.hearsTone(SPEAKER_HZ), "with media-io held the host hears "
                    + host.toneAmplitudeHeard(SPEAKER_HZ) + " of the speaker's tone");
            long attendeeGot = attendee.audioPacketsReceived() - attendeePackets;
            assertTrue(attendeeGot <= 2, "the attendee got " + attendeeGot
                    + " audio packets while media-io was held: its socket is not on media-io");
        });
        long attendeePackets = attendee.audioPacketsReceived();
        Await.until(Duration.ofSeconds(15), () -> attendee.audioPacketsReceived() >= attendeePackets + 50,
                () -> "the attendee hears nothing once media-io is free again");
    }

    private SyntheticParticipant dial(McuServer server, String name, String user, double toneHz) throws Exception {
        SyntheticParticipant participant = new SyntheticParticipant(name, Codec.PCMU, null, 1, GREY, toneHz);
        toClose.add(participant);
        toClose.add(Dial.into(server, user, participant));
        return participant;
    }
}
