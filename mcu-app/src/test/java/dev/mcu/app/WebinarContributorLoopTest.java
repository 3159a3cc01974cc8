package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        int sipPort = server.config().sip().port();
        SyntheticParticipant speaker = dial(sipPort, "speaker", ROOM + "*" + SPEAKER_PIN, SPEAKER_HZ);
        SyntheticParticipant host = dial(sipPort, "host", ROOM + "*" + HOST_PIN, HOST_HZ);
        SyntheticParticipant attendee = dial(sipPort, "attendee", ROOM, ATTENDEE_HZ);
        Await.until(Duration.ofSeconds(15), () -> hears(host, SPEAKER_HZ) && hears(attendee, SPEAKER_HZ),
                () -> "before holding the loops: the host hears " + amplitude(host, SPEAKER_HZ) + ", the attendee "
                        + amplitude(attendee, SPEAKER_HZ) + " of the speaker's tone");

        CountDownLatch release = new CountDownLatch(1);
        List<EventExecutor> loops = new ArrayList<>();
        server.threads().mediaIo().forEach(loops::add);
        CountDownLatch held = new CountDownLatch(loops.size());
        try {
            for (EventExecutor loop : loops) {
                loop.execute(() -> {
                    held.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS); // bounded: a failed test never keeps the loop
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(held.await(10, TimeUnit.SECONDS), "the media-io loops did not pick up the holding task");
            long hostPackets = host.audioPacketsReceived();
            long attendeePackets = attendee.audioPacketsReceived();
            // 2 s of fresh audio at the host, and the speaker's tone in its last half second
            Await.until(Duration.ofSeconds(15), () -> host.audioPacketsReceived() >= hostPackets + 100,
                    () -> "with media-io held the host got " + (host.audioPacketsReceived() - hostPackets)
                            + " audio packets: the speaker's or the host's sockets wait for the attendees' loops");
            assertTrue(hears(host, SPEAKER_HZ), "with media-io held the host hears " + amplitude(host, SPEAKER_HZ)
                    + " of the speaker's tone");
            long attendeeGot = attendee.audioPacketsReceived() - attendeePackets;
            assertTrue(attendeeGot <= 2, "the attendee got " + attendeeGot
                    + " audio packets while media-io was held: its socket is not on media-io");
        } finally {
            release.countDown();
        }
        long attendeePackets = attendee.audioPacketsReceived();
        Await.until(Duration.ofSeconds(15), () -> attendee.audioPacketsReceived() >= attendeePackets + 50,
                () -> "the attendee hears nothing once media-io is free again");
    }

    private SyntheticParticipant dial(int sipPort, String name, String user, double toneHz) throws Exception {
        SyntheticParticipant participant = new SyntheticParticipant(name, Codec.PCMU, null, 1, GREY, toneHz);
        toClose.add(participant);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", sipPort, "udp", name);
        toClose.add(phone);
        SipTestPhone.Outgoing call = phone.invite(user, participant.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), name + ": " + answer.reason());
        call.ack();
        participant.start(answer.body());
        return participant;
    }

    private static boolean hears(SyntheticParticipant listener, double hz) {
        return amplitude(listener, hz) > SyntheticParticipant.TONE_AMPLITUDE * 0.3;
    }

    private static double amplitude(SyntheticParticipant listener, double hz) {
        return Tones.amplitude(listener.lastHeard(Audio.SAMPLE_RATE / 2), hz, Audio.SAMPLE_RATE);
    }
}
