package dev.mcu.conference;

import dev.mcu.media.Codec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Joining a room as it closes: nothing opened for the member may outlive the refusal. */
class RoomLifecycleTest {
    private final ManualMediaClock clock = new ManualMediaClock();

    @Test
    void joiningAClosedRoomHangsUpAndLeavesNothingBehind() {
        Room room = new Room("closing", TestRooms.video(), 3, clock, RoomEvents.NONE);
        room.close();
        try (TestPeer late = TestPeer.of("late", Codec.PCMU, Codec.VP8)) {
            int decodesBefore = clock.decodeTasks();

            assertDoesNotThrow(() -> room.join(late.member));
            late.sendTone(440, 6000);
            late.sendPicture(81, 90, 240);

            assertTrue(late.member.hungUp, "the member is told the room is gone");
            assertEquals(decodesBefore, clock.decodeTasks(), "its media reaches no decoder");
        }
    }

    @Test
    void aJoinQueuedBeforeTheCloseIsFreedByIt() {
        Room room = new Room("race", TestRooms.video(), 3, clock, RoomEvents.NONE);
        try (TestPeer early = TestPeer.of("early", Codec.PCMU, Codec.VP8)) {
            room.join(early.member);
            room.close();
            int decodesBefore = clock.decodeTasks();

            early.sendTone(440, 6000);
            early.sendPicture(81, 90, 240);

            assertEquals(decodesBefore, clock.decodeTasks(), "its decoders were closed with the room");
        }
    }
}
