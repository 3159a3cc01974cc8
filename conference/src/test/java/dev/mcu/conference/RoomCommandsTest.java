package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control plane's commands on a room: what they answer and which events they raise. */
class RoomCommandsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ManualMediaClock clock = new ManualMediaClock();
    private final Room room = new Room("r1", TestRooms.video(), 3, clock, new RoomEvents() {
        @Override
        public void onJoined(String room, String id, String name, Role role) {
            events.add("joined " + id + " as " + role);
        }

        @Override
        public void onLeft(String room, String id) {
            events.add("left " + id);
        }

        @Override
        public void onMuted(String room, String id, boolean audio, boolean video) {
            events.add("muted " + id + " audio=" + audio + " video=" + video);
        }

        @Override
        public void onRoleChanged(String room, String id, Role role) {
            events.add("role " + id + " " + role);
        }

        @Override
        public void onLayoutChanged(String room, LayoutKind kind, String focusId) {
            events.add("layout " + kind + " " + focusId);
        }
    });

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void theSnapshotListsEveryoneWithTheirCodecsAndRole() {
        room.join(InMemoryMember.of("a", Codec.PCMU, Codec.VP8));
        room.join(InMemoryMember.of("b", Codec.OPUS, null, Role.ATTENDEE));

        List<ParticipantSnapshot> all = room.participants().join();

        assertEquals(List.of("a", "b"), all.stream().map(ParticipantSnapshot::id).toList());
        ParticipantSnapshot a = all.get(0);
        assertEquals("Member a", a.name());
        assertEquals(Role.SPEAKER, a.role());
        assertEquals(Codec.PCMU, a.audioCodec());
        assertEquals(Codec.VP8, a.videoCodec());
        assertFalse(a.audioMuted() || a.videoMuted() || a.talking());
        assertTrue(a.stats().audio() != null && a.stats().video() != null);
        ParticipantSnapshot b = all.get(1);
        assertEquals(Role.ATTENDEE, b.role());
        assertEquals(Codec.OPUS, b.audioCodec());
        assertEquals(null, b.videoCodec());
        assertEquals(null, b.stats().video());
        assertEquals(List.of("joined a as SPEAKER", "joined b as ATTENDEE"), events);
    }

    @Test
    void muteChangesOnlyTheKindsNamedAndSaysSoOnce() {
        room.join(InMemoryMember.of("a", Codec.PCMU, Codec.VP8));

        ParticipantSnapshot muted = room.mute("a", true, null).join().orElseThrow();
        assertTrue(muted.audioMuted());
        assertFalse(muted.videoMuted());
        ParticipantSnapshot both = room.mute("a", null, true).join().orElseThrow();
        assertTrue(both.audioMuted() && both.videoMuted());
        room.mute("a", true, true).join(); // no change: no event
        ParticipantSnapshot unmuted = room.mute("a", false, false).join().orElseThrow();
        assertFalse(unmuted.audioMuted() || unmuted.videoMuted());

        assertEquals(List.of("joined a as SPEAKER", "muted a audio=true video=false", "muted a audio=true video=true",
                "muted a audio=false video=false"), events);
    }

    @Test
    void roleChangesAreAnsweredAndAnnounced() {
        room.join(InMemoryMember.of("a", Codec.PCMU, null));

        assertEquals(Role.HOST, room.setRole("a", Role.HOST).join().orElseThrow().role());
        assertEquals(Role.ATTENDEE, room.setRole("a", Role.ATTENDEE).join().orElseThrow().role());
        assertEquals(Role.ATTENDEE, room.participant("a").join().orElseThrow().role());

        assertEquals(List.of("joined a as SPEAKER", "role a HOST", "role a ATTENDEE"), events);
    }

    @Test
    void commandsOnSomebodyNotInTheRoomFindNobody() {
        room.join(InMemoryMember.of("a", Codec.PCMU, null));

        assertTrue(room.mute("nobody", true, true).join().isEmpty());
        assertTrue(room.setRole("nobody", Role.HOST).join().isEmpty());
        assertTrue(room.participant("nobody").join().isEmpty());
        room.leave("a").join();
        assertTrue(room.mute("a", true, null).join().isEmpty(), "gone after leaving");
        assertEquals(List.of("joined a as SPEAKER", "left a"), events);
    }

    @Test
    void layoutChangesAreAnnounced() {
        room.setLayout(LayoutKind.SPEAKER, "a");
        room.setLayout(LayoutKind.GRID, null);
        room.participants().join(); // after both ran on the clock

        assertEquals(List.of("layout SPEAKER a", "layout GRID null"), events);
    }
}
