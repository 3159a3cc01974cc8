package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.analysis.OpusPackets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who hears whom, decoded from what each member received: mix-minus, the K loudest, one shared
 * encode for the listeners of a codec, mute and roles. No sockets, no sleeping: a manual clock.
 */
class RoomAudioTest {
    private static final double A_HZ = 500;
    private static final double B_HZ = 900;
    private static final double C_HZ = 1300;
    private final ManualMediaClock clock = new ManualMediaClock();
    private final List<TestPeer> peers = new ArrayList<>();
    private Room room;

    @AfterEach
    void close() {
        if (room != null) {
            room.close();
        }
        peers.forEach(TestPeer::close);
    }

    private TestPeer join(String id, Codec audio, Role role) {
        return join(new TestPeer(InMemoryMember.of(id, audio, null, role)));
    }

    private TestPeer join(TestPeer peer) {
        peers.add(peer);
        room.join(peer.member);
        return peer;
    }

    /** Each talker sends its tone for {@code rounds} rounds of 20 ms; what everyone heard before is dropped. */
    private void talk(Map<TestPeer, double[]> talkers, int rounds) {
        for (int i = 0; i < rounds; i++) {
            talkers.forEach((peer, tone) -> peer.sendTone(tone[0], (int) tone[1]));
            clock.advanceMillis(20);
        }
    }

    private static Map<TestPeer, double[]> tones(Object... peerHzAmplitude) {
        Map<TestPeer, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < peerHzAmplitude.length; i += 3) {
            out.put((TestPeer) peerHzAmplitude[i], new double[]{(Double) peerHzAmplitude[i + 1],
                    ((Integer) peerHzAmplitude[i + 2]).doubleValue()});
        }
        return out;
    }

    /** Talks for a second to settle, then returns what each peer heard in the next half second. */
    private Map<String, short[]> listen(Map<TestPeer, double[]> talkers) {
        talk(talkers, 50);
        peers.forEach(TestPeer::heard);
        talk(talkers, 25);
        Map<String, short[]> heard = new LinkedHashMap<>();
        peers.forEach(p -> heard.put(p.id(), p.heard()));
        return heard;
    }

    private static void assertHears(short[] samples, double hz, String what) {
        assertTrue(TestPeer.level(samples, hz) > 1000, what + ": level " + TestPeer.level(samples, hz));
    }

    private static void assertDoesNotHear(short[] samples, double hz, String what) {
        assertTrue(TestPeer.level(samples, hz) < 100, what + ": level " + TestPeer.level(samples, hz));
    }

    @Test
    void everyTalkerHearsTheOthersButNeverItself() {
        room = new Room("mix", TestRooms.video(), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.SPEAKER);
        TestPeer b = join("b", Codec.OPUS, Role.SPEAKER);
        TestPeer c = join("c", Codec.G722, Role.SPEAKER);

        Map<String, short[]> heard = listen(tones(a, A_HZ, 6000, b, B_HZ, 6000, c, C_HZ, 6000));

        assertDoesNotHear(heard.get("a"), A_HZ, "a hears itself");
        assertHears(heard.get("a"), B_HZ, "a hears b");
        assertHears(heard.get("a"), C_HZ, "a hears c");
        assertHears(heard.get("b"), A_HZ, "b hears a");
        assertDoesNotHear(heard.get("b"), B_HZ, "b hears itself");
        assertHears(heard.get("b"), C_HZ, "b hears c");
        assertHears(heard.get("c"), A_HZ, "c hears a");
        assertHears(heard.get("c"), B_HZ, "c hears b");
        assertDoesNotHear(heard.get("c"), C_HZ, "c hears itself");
    }

    @Test
    void onlyTheKLoudestAreMixed() {
        room = new Room("loudest", TestRooms.video(), 2, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.SPEAKER);
        TestPeer b = join("b", Codec.PCMU, Role.SPEAKER);
        TestPeer c = join("c", Codec.PCMU, Role.SPEAKER);
        join("listener", Codec.PCMU, Role.SPEAKER);

        Map<String, short[]> heard = listen(tones(a, A_HZ, 8000, b, B_HZ, 6000, c, C_HZ, 1000));

        assertHears(heard.get("listener"), A_HZ, "the listener hears the loudest");
        assertHears(heard.get("listener"), B_HZ, "the listener hears the second loudest");
        assertDoesNotHear(heard.get("listener"), C_HZ, "the listener hears the quiet third");
        assertHears(heard.get("a"), B_HZ, "a hears b");
        assertDoesNotHear(heard.get("a"), C_HZ, "a hears the quiet third");
        assertHears(heard.get("c"), A_HZ, "the quiet one hears the speakers");
        assertHears(heard.get("c"), B_HZ, "the quiet one hears the speakers");
        assertEquals(List.of("a", "b"), room.stats().join().mixedSpeakers().stream().sorted().toList());
        ParticipantSnapshot loud = room.participant("a").join().orElseThrow();
        assertTrue(loud.talking() && loud.stats().mixer().mixed(), "a is talking and mixed: " + loud);
        assertTrue(loud.levelDbov() > -20 && loud.levelDbov() == loud.stats().mixer().levelDbov(), "a's level: " + loud);
        assertTrue(loud.stats().audio().decoder().frames() >= 75, "every packet of a decoded: " + loud);
        assertEquals(0, loud.stats().audio().decodeQueue().overflowDrops());
        assertFalse(room.participant("c").join().orElseThrow().stats().mixer().mixed(), "c is not mixed");
    }

    @Test
    void listenersOfOneCodecShareOneEncode() {
        room = new Room("shared", TestRooms.video(), 2, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.SPEAKER);
        TestPeer b = join("b", Codec.PCMU, Role.SPEAKER);
        TestPeer l1 = join("l1", Codec.PCMU, Role.SPEAKER);
        TestPeer l2 = join("l2", Codec.PCMU, Role.SPEAKER);
        TestPeer l3 = join("l3", Codec.PCMU, Role.ATTENDEE);
        TestPeer opus = join("opus", Codec.OPUS, Role.SPEAKER);
        talk(tones(a, A_HZ, 6000, b, B_HZ, 6000), 50);
        peers.forEach(TestPeer::audioPayloads);

        talk(tones(a, A_HZ, 6000, b, B_HZ, 6000), 10);

        List<byte[]> first = l1.audioPayloads();
        assertEquals(10, first.size());
        assertPayloadsEqual(first, l2.audioPayloads(), "l2 is sent the very bytes l1 is");
        assertPayloadsEqual(first, l3.audioPayloads(), "an attendee gets the listeners' mix too");
        List<byte[]> own = a.audioPayloads();
        assertEquals(10, own.size());
        assertTrue(own.stream().noneMatch(p -> first.stream().anyMatch(q -> java.util.Arrays.equals(p, q))),
                "a talker gets its own mix-minus");
        assertEquals(10, opus.audioPayloads().size());
        // a's and b's own mixes, one PCMU and one Opus encode for all the listeners:
        assertEquals(4, room.stats().join().audioEncodesLastRound());
    }

    /**
     * The full mix is encoded once for all who hear it, at full complexity and tuned for voice; when
     * only one participant hears it (a room of K + 1: the one not talking) it is that one's alone, and
     * is coded as a talker's mix-minus is, CELT tuned for audio. Seen in the packets' coding mode over
     * the first half second of talk, which the voice-tuned encoder codes as speech (SILK or hybrid).
     */
    @ParameterizedTest(name = "{0} listener(s)")
    @ValueSource(ints = {1, 2})
    void aFullMixOnlyOneHearsIsCodedAsAMixMinusIsAndOneSeveralHearAtFullComplexity(int listeners) {
        room = new Room("lone", TestRooms.video(), 2, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.OPUS, Role.SPEAKER);
        TestPeer b = join("b", Codec.OPUS, Role.SPEAKER);
        List<TestPeer> hearers = new ArrayList<>();
        for (int i = 0; i < listeners; i++) {
            hearers.add(join("listener-" + i, Codec.OPUS, Role.SPEAKER));
        }

        // Until the talkers' first frames are mixed, all three hear the (silent) full mix: not counted.
        talk(tones(a, A_HZ, 6000, b, B_HZ, 6000), 3);
        hearers.forEach(TestPeer::audioPayloads);
        talk(tones(a, A_HZ, 6000, b, B_HZ, 6000), 25);

        List<byte[]> payloads = hearers.get(0).audioPayloads();
        assertTrue(payloads.size() >= 20, "the listener got " + payloads.size() + " packets");
        long speechCoded = payloads.stream().filter(p -> (p[0] & 0xff) >> 3 < 16).count(); // TOC: SILK or hybrid
        if (listeners == 1) {
            assertEquals(0, speechCoded, "a lone listener's mix is CELT, as a talker's mix-minus is");
        } else {
            assertTrue(speechCoded >= 5, "listeners share the voice-tuned encode: " + speechCoded + " of " + payloads.size());
            assertPayloadsEqual(payloads, hearers.get(1).audioPayloads(), "both listeners are sent the same bytes");
        }
        assertEquals(3, room.stats().join().audioEncodesLastRound(), "two mix-minus and one full mix");
        Map<String, short[]> heard = listen(tones(a, A_HZ, 6000, b, B_HZ, 6000));
        assertHears(heard.get("listener-0"), A_HZ, "the listener hears a");
        assertHears(heard.get("listener-0"), B_HZ, "the listener hears b");
    }

    private static void assertPayloadsEqual(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(java.util.Arrays.equals(expected.get(i), actual.get(i)), what + " (packet " + i + ")");
        }
    }

    @Test
    void aMutedParticipantIsNotHeardUntilUnmuted() {
        room = new Room("mute", TestRooms.video(), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.SPEAKER);
        TestPeer b = join("b", Codec.PCMU, Role.SPEAKER);
        Map<TestPeer, double[]> talkers = tones(a, A_HZ, 6000, b, B_HZ, 6000);
        assertHears(listen(talkers).get("b"), A_HZ, "before the mute");

        room.mute("a", true, null).join();
        Map<String, short[]> muted = listen(talkers);
        assertDoesNotHear(muted.get("b"), A_HZ, "a is muted");
        assertHears(muted.get("a"), B_HZ, "a muted still hears b");
        assertTrue(room.participant("a").join().orElseThrow().stats().audio().receive()
                .droppedByReason().get("not-heard") > 0, "a's audio is not even decoded");

        room.mute("a", false, null).join();
        assertHears(listen(talkers).get("b"), A_HZ, "unmuted");
    }

    @Test
    void anAttendeeIsNotHeardButHearsTheRoom() {
        room = new Room("roles", TestRooms.video(), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.HOST);
        TestPeer c = join("c", Codec.PCMU, Role.ATTENDEE);
        Map<TestPeer, double[]> talkers = tones(a, A_HZ, 6000, c, C_HZ, 6000);

        Map<String, short[]> heard = listen(talkers);
        assertDoesNotHear(heard.get("a"), C_HZ, "the attendee is heard");
        assertHears(heard.get("c"), A_HZ, "the attendee hears the host");

        room.setRole("c", Role.SPEAKER).join();
        assertHears(listen(talkers).get("a"), C_HZ, "promoted to speaker");
        room.setRole("c", Role.ATTENDEE).join();
        assertDoesNotHear(listen(talkers).get("a"), C_HZ, "back to attendee");
        ParticipantSnapshot attendee = room.participant("c").join().orElseThrow();
        assertNotEquals(true, attendee.talking());
    }

    @Test
    void aMemberLeavingBetweenItsPacketsAndTheRoundIsSimplyGone() {
        room = new Room("leave", TestRooms.video(), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.PCMU, Role.SPEAKER);
        TestPeer b = join("b", Codec.PCMU, Role.SPEAKER);
        TestPeer c = join("c", Codec.PCMU, Role.SPEAKER);
        Map<TestPeer, double[]> talkers = tones(a, A_HZ, 6000, b, B_HZ, 6000, c, C_HZ, 6000);
        talk(talkers, 50);

        // c's packets for this round are in, then c leaves before the round is mixed.
        talkers.forEach((peer, tone) -> peer.sendTone(tone[0], (int) tone[1]));
        room.leave("c").join();
        clock.advanceMillis(20);
        talkers.remove(c);
        c.heard();
        Map<String, short[]> heard = listen(talkers);

        assertDoesNotHear(heard.get("a"), C_HZ, "c left");
        assertHears(heard.get("a"), B_HZ, "a still hears b");
        assertEquals(0, c.heard().length, "nothing is sent to whoever left");
        assertEquals(0, room.stats().join().clockErrors());
    }

    @Test
    void opusInBandFecGoesOnlyToThoseWhoAskedForIt() {
        room = new Room("fec", TestRooms.video(), 3, clock, RoomEvents.NONE);
        Map<String, String> asksForFec = Map.of("useinbandfec", "1");
        TestPeer talker = join("talker", Codec.OPUS, Role.SPEAKER);
        TestPeer talkerWithFec = join(new TestPeer(InMemoryMember.of("talker-fec", Codec.OPUS, null, Role.SPEAKER, asksForFec)));
        TestPeer listener = join("listener", Codec.OPUS, Role.SPEAKER);
        TestPeer listenerWithFec = join(new TestPeer(InMemoryMember.of("listener-fec", Codec.OPUS, null, Role.SPEAKER, asksForFec)));

        // Half a second from the first word: libopus adds FEC to frames it takes for speech, and a
        // steady tone stops looking like speech after about that long.
        talk(tones(talker, A_HZ, 6000, talkerWithFec, B_HZ, 6000), 25);

        Map<String, Integer> withFec = new LinkedHashMap<>();
        for (TestPeer peer : List.of(talker, talkerWithFec, listener, listenerWithFec)) {
            List<byte[]> payloads = peer.audioPayloads();
            assertTrue(payloads.size() >= 20, peer.id() + " got " + payloads.size() + " packets");
            withFec.put(peer.id(), (int) payloads.stream().filter(p -> OpusPackets.hasLbrr(p, 0, p.length)).count());
        }
        assertEquals(0, withFec.get("talker"), "its own mix-minus, not asked for: " + withFec);
        assertEquals(0, withFec.get("listener"), "the shared mix, not asked for: " + withFec);
        assertTrue(withFec.get("talker-fec") >= 5, "its own mix-minus, asked for: " + withFec);
        assertTrue(withFec.get("listener-fec") >= 5, "the shared mix, asked for: " + withFec);

        Map<String, short[]> heard = listen(tones(talker, A_HZ, 6000, talkerWithFec, B_HZ, 6000));
        assertHears(heard.get("listener"), A_HZ, "the listener without FEC hears the talker");
        assertHears(heard.get("listener-fec"), B_HZ, "the listener with FEC hears the other talker");
    }
}
