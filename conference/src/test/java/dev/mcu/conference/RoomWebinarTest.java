package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A webinar room as its attendees and hosts experience it: attendees hear and see the program but
 * are never decoded, mixed or shown, and each is sent the very packet every other attendee of its
 * codec gets; {@code *9} toggles a hand, a promoted attendee starts muted, hears the live cue alone,
 * unmutes with {@code *6} and is then heard; a demoted speaker is view-only again. Manual clock.
 */
class RoomWebinarTest {
    private static final double HOST_HZ = 500;
    private static final double ATTENDEE_HZ = 1300;
    private final ManualMediaClock clock = new ManualMediaClock();
    private final List<TestPeer> peers = new ArrayList<>();
    private final List<String> hands = new CopyOnWriteArrayList<>();
    private final RoomEvents events = new RoomEvents() {
        @Override
        public void onHandToggled(String room, String participantId) {
            hands.add(participantId);
        }
    };
    private Room room;

    @AfterEach
    void close() {
        if (room != null) {
            room.close();
        }
        peers.forEach(TestPeer::close);
    }

    private TestPeer join(String id, Codec audio, Codec video, Role role) {
        TestPeer peer = TestPeer.of(id, audio, video, role);
        peers.add(peer);
        room.join(peer.member);
        return peer;
    }

    /** 20 ms rounds: the host talks, and so does every attendee given (whatever they send must not count). */
    private void rounds(int n, TestPeer host, List<TestPeer> alsoTalking) {
        for (int i = 0; i < n; i++) {
            host.sendTone(HOST_HZ, 6000);
            alsoTalking.forEach(p -> p.sendTone(ATTENDEE_HZ, 6000));
            clock.advanceMillis(20);
        }
    }

    private short[] heardOver(int n, TestPeer listener, TestPeer host, List<TestPeer> talking) {
        rounds(25, host, talking);
        listener.heard();
        rounds(n, host, talking);
        return listener.heard();
    }

    @Test
    void attendeesAreNeverDecodedAndShareOnePacketPerCodec() {
        room = new Room("webinar", TestRooms.video(), 3, clock, events, true);
        TestPeer host = join("host", Codec.PCMU, null, Role.HOST);
        List<TestPeer> attendees = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            attendees.add(join("a" + i, i % 2 == 0 ? Codec.PCMU : Codec.OPUS, null, Role.ATTENDEE));
        }
        rounds(25, host, attendees);
        int decodesBefore = clock.decodeTasks();
        attendees.forEach(TestPeer::heard);
        host.heard();

        rounds(10, host, attendees);

        assertEquals(10, clock.decodeTasks() - decodesBefore, "only the host's 10 packets are decoded");
        List<byte[]> first = attendees.get(0).member.wire().drain(dev.mcu.media.MediaKind.AUDIO);
        assertEquals(10, first.size());
        for (int i = 2; i < attendees.size(); i += 2) {
            List<byte[]> other = attendees.get(i).member.wire().drain(dev.mcu.media.MediaKind.AUDIO);
            for (int k = 0; k < first.size(); k++) {
                // the whole packet, header included: one stream (SSRC, sequence, timestamp) for all of them
                assertArrayEquals(first.get(k), other.get(k), "attendee a" + i + " is sent the very packet a0 is");
            }
        }
        assertEquals(3, room.stats().join().audioEncodesLastRound(),
                "the host's own mix-minus, then one encode per codec however many attendees");
        assertEquals(21, room.participants().join().size());
        ParticipantSnapshot a1 = room.participant("a1").join().orElseThrow();
        assertEquals(Role.ATTENDEE, a1.role());
        assertTrue(a1.stats().audio().receive().droppedByReason().get("not-heard") >= 35, a1.toString());
        assertEquals(0, a1.stats().audio().decoder().frames());
        short[] hostHears = heardOver(25, host, host, attendees);
        assertTrue(TestPeer.level(hostHears, ATTENDEE_HZ) < 100, "the host hears an attendee");
        short[] attendeeHears = heardOver(25, attendees.get(1), host, attendees);
        assertTrue(TestPeer.level(attendeeHears, HOST_HZ) > 1000, "an attendee hears the host");
    }

    @Test
    void anAttendeesVideoIsNotShownButItSeesTheProgram() {
        room = new Room("webinar-video", TestRooms.video(), 3, clock, events, true);
        TestPeer host = join("host", Codec.PCMU, Codec.H264, Role.HOST);
        TestPeer attendee = join("viewer", Codec.PCMU, Codec.H264, Role.ATTENDEE);
        I420Frame seen = null;
        for (int i = 0; i < 40; i++) {
            host.sendPicture(81, 90, 240);       // red
            attendee.sendPicture(145, 54, 34);   // green
            clock.advanceMillis(100);
            seen = attendee.picture();
        }
        assertEquals(List.of("host"), room.stats().join().visibleInLayout());
        assertTrue(seen != null && Math.abs(seen.vAt(seen.width() / 2, seen.height() / 2) - 240) < 30,
                "the attendee sees the host's red");
        assertEquals(0, room.participant("viewer").join().orElseThrow().stats().video().decoder().frames());
        // What the API's rate sampler reads each second: the host's decoded pictures, as its snapshot
        // counts them; the attendee, whose video is never decoded, is not listed.
        long hostDecoded = room.participant("host").join().orElseThrow().stats().video().decoder().frames();
        assertTrue(hostDecoded > 0);
        assertEquals(java.util.Map.of("host", hostDecoded), room.videoFramesDecoded().join());
    }

    @Test
    void handsPromotionLiveCueUnmuteAndDemotion() {
        room = new Room("webinar-promote", TestRooms.video(), 3, clock, events, true);
        TestPeer host = join("host", Codec.PCMU, null, Role.HOST);
        TestPeer other = join("other", Codec.PCMU, null, Role.ATTENDEE);
        TestPeer raiser = join("raiser", Codec.PCMU, null, Role.ATTENDEE);
        List<TestPeer> talking = List.of(raiser);
        rounds(5, host, talking);

        raiser.member.wire().receiveDtmf('*');
        raiser.member.wire().receiveDtmf('9');
        raiser.member.wire().receiveDtmf('9');   // a 9 without its star is no command
        assertEquals(List.of("raiser"), hands);

        ParticipantSnapshot promoted = room.setRole("raiser", Role.SPEAKER).join().orElseThrow();
        assertEquals(Role.SPEAKER, promoted.role());
        assertTrue(promoted.audioMuted(), "a promoted attendee starts muted");
        room.playLiveTone("raiser");
        raiser.heard();
        other.heard();
        rounds(30, host, talking);
        short[] raiserHears = raiser.heard();
        short[] otherHears = other.heard();
        assertTrue(TestPeer.level(raiserHears, LiveTone.HZ) > 1000, "the promoted one hears it is live");
        assertTrue(TestPeer.level(otherHears, LiveTone.HZ) < 100, "nobody else hears the cue");
        assertTrue(TestPeer.level(otherHears, ATTENDEE_HZ) < 100, "muted: not heard yet");

        raiser.member.wire().receiveDtmf('*');
        raiser.member.wire().receiveDtmf('6');
        assertFalse(room.participant("raiser").join().orElseThrow().audioMuted(), "*6 unmutes");
        assertTrue(TestPeer.level(heardOver(25, other, host, talking), ATTENDEE_HZ) > 1000, "now heard by attendees");
        assertTrue(TestPeer.level(heardOver(25, host, host, talking), ATTENDEE_HZ) > 1000, "and by the host");

        room.setRole("raiser", Role.ATTENDEE).join();
        assertTrue(TestPeer.level(heardOver(25, other, host, talking), ATTENDEE_HZ) < 100, "demoted: view-only again");
        assertTrue(TestPeer.level(heardOver(25, raiser, host, talking), HOST_HZ) > 1000, "and still hears the host");
        assertEquals(Role.ATTENDEE, room.participant("raiser").join().orElseThrow().role());
    }
}
