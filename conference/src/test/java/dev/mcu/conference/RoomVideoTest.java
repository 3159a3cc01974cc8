package dev.mcu.conference;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each member sees, decoded from the video it received: tiles and their colours as people join,
 * leave, talk, mute and change roles; hidden pictures not decoded; one encode per output profile.
 * No sockets, no sleeping: a manual clock.
 */
class RoomVideoTest {
    private static final int[] RED = {81, 90, 240};
    private static final int[] BLUE = {41, 240, 110};
    private static final int[] GREEN = {145, 54, 34};
    private static final int[] SLATE = {PlaceholderTile.Y, PlaceholderTile.U, PlaceholderTile.V};
    private final ManualMediaClock clock = new ManualMediaClock();
    private final Map<TestPeer, int[]> senders = new LinkedHashMap<>();
    private final List<TestPeer> peers = new ArrayList<>();
    private Room room;

    @AfterEach
    void close() {
        if (room != null) {
            room.close();
        }
        peers.forEach(TestPeer::close);
    }

    private TestPeer join(String id, Codec video, int[] colour, Role role) {
        TestPeer peer = TestPeer.of(id, Codec.PCMU, video, role);
        peers.add(peer);
        if (colour != null) {
            senders.put(peer, colour);
        }
        room.join(peer.member);
        return peer;
    }

    /** {@code count} video frames (100 ms each at 10 fps): every sender sends its colour, the room composites. */
    private void frames(int count) {
        for (int i = 0; i < count; i++) {
            senders.forEach((peer, c) -> peer.sendPicture(c[0], c[1], c[2]));
            clock.advanceMillis(100);
        }
    }

    private static Layout layout(LayoutSpec spec, String... ids) {
        return Layouts.compute(spec, TestRooms.WIDTH, TestRooms.HEIGHT, List.of(ids));
    }

    private static void assertTile(I420Frame picture, Tile tile, int[] colour, String what) {
        assertNotNull(picture, what + ": no picture received");
        int x = tile.x() + tile.width() / 2;
        int y = tile.y() + tile.height() * 3 / 10; // above a placeholder's name
        int[] seen = {picture.lumaAt(x, y), picture.uAt(x, y), picture.vAt(x, y)};
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(seen[i] - colour[i]) <= 24, what + ": expected YUV " + java.util.Arrays.toString(colour)
                    + " at " + x + "," + y + ", saw " + java.util.Arrays.toString(seen));
        }
    }

    @Test
    void theGridFollowsJoinsAndLeaves() {
        room = new Room("grid", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        join("b", Codec.VP8, BLUE, Role.SPEAKER);
        frames(10);
        Layout two = layout(LayoutSpec.grid(), "a", "b");
        assertTile(a.picture(), two.tileOf("a"), RED, "a's tile");
        assertTile(a.picture(), two.tileOf("b"), BLUE, "b's tile");

        join("c", Codec.VP8, GREEN, Role.SPEAKER);
        frames(10);
        Layout three = layout(LayoutSpec.grid(), "a", "b", "c");
        assertTile(a.picture(), three.tileOf("b"), BLUE, "b's tile of three");
        assertTile(a.picture(), three.tileOf("c"), GREEN, "c's tile of three");

        room.leave("b").join();
        senders.keySet().removeIf(p -> p.id().equals("b"));
        frames(10);
        Layout afterLeave = layout(LayoutSpec.grid(), "a", "c");
        assertTile(a.picture(), afterLeave.tileOf("a"), RED, "a's tile after b left");
        assertTile(a.picture(), afterLeave.tileOf("c"), GREEN, "c's tile after b left");
    }

    @Test
    void theSpeakerLayoutFollowsWhoTalks() {
        room = new Room("speaker", TestRooms.video(LayoutKind.SPEAKER, true), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        TestPeer b = join("b", Codec.VP8, BLUE, Role.SPEAKER);
        frames(5);
        for (int i = 0; i < 50; i++) { // b talks for a second: 20 ms audio rounds, a picture every 100 ms
            b.sendTone(700, 6000);
            a.sendTone(700, 0);
            if (i % 5 == 0) {
                senders.forEach((peer, c) -> peer.sendPicture(c[0], c[1], c[2]));
            }
            clock.advanceMillis(20);
        }
        frames(5);

        assertEquals("b", room.stats().join().activeSpeaker());
        Layout focusB = layout(LayoutSpec.speaker("b"), "a", "b");
        assertTile(a.picture(), focusB.tileOf("b"), BLUE, "the talker has the big tile");
        assertTile(a.picture(), focusB.tileOf("a"), RED, "the other is in the filmstrip");
    }

    @Test
    void aHiddenPictureIsNotDecodedAndAsksForOneKeyframeWhenShown() {
        room = new Room("pip", TestRooms.video(LayoutKind.PICTURE_IN_PICTURE), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        join("b", Codec.VP8, BLUE, Role.SPEAKER);
        TestPeer c = join("c", Codec.VP8, GREEN, Role.SPEAKER);
        frames(10);
        ParticipantSnapshot hidden = room.participant("c").join().orElseThrow();
        assertFalse(hidden.visible(), "picture-in-picture shows two of three");
        long decodedWhileHidden = hidden.stats().video().decoder().frames();
        frames(10);
        ParticipantSnapshot stillHidden = room.participant("c").join().orElseThrow();
        assertEquals(decodedWhileHidden, stillHidden.stats().video().decoder().frames(), "hidden: not decoded");
        assertTrue(stillHidden.stats().video().receive().droppedByReason().get("hidden") >= 10);
        int askedBefore = c.member.wire().keyframeRequests();

        room.setLayout(LayoutKind.GRID, null);
        frames(4); // c's frames are deltas: the decoder keeps wanting a keyframe, asks are rate-limited
        assertEquals(askedBefore + 1, c.member.wire().keyframeRequests(), "one keyframe asked for on becoming visible");
        c.sendKeyframeNext();
        frames(5);

        assertTrue(room.participant("c").join().orElseThrow().visible());
        assertTile(a.picture(), layout(LayoutSpec.grid(), "a", "b", "c").tileOf("c"), GREEN, "c shown again");
    }

    @Test
    void oneEncodePerProfileHoweverManyReceivers() {
        room = new Room("profiles", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        List<TestPeer> vp8 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            vp8.add(join("v" + i, Codec.VP8, i == 0 ? RED : null, Role.SPEAKER));
        }
        TestPeer h1 = join("h1", Codec.H264, BLUE, Role.SPEAKER);
        TestPeer h2 = join("h2", Codec.H264, null, Role.SPEAKER);
        frames(5);
        vp8.forEach(p -> p.member.wire().drain(MediaKind.VIDEO));
        int encodesBefore = clock.encodeTasks();

        frames(10);

        assertEquals(20, clock.encodeTasks() - encodesBefore, "10 frames x 2 profiles (VP8, H.264 mode 1)");
        assertEquals(2, room.stats().join().videoProfiles());
        List<byte[]> first = vp8.get(0).member.wire().drain(MediaKind.VIDEO);
        assertFalse(first.isEmpty());
        for (TestPeer other : vp8.subList(1, 5)) {
            List<byte[]> theirs = other.member.wire().drain(MediaKind.VIDEO);
            assertEquals(first.size(), theirs.size());
            for (int i = 0; i < first.size(); i++) {
                assertTrue(java.util.Arrays.equals(first.get(i), theirs.get(i)), "same packets for every VP8 receiver");
            }
        }
        frames(3);
        Layout seven = layout(LayoutSpec.grid(), "v0", "v1", "v2", "v3", "v4", "h1", "h2");
        assertTile(h2.picture(), seven.tileOf("v0"), RED, "an H.264 receiver sees the VP8 sender");
        assertTile(h1.picture(), seven.tileOf("h1"), BLUE, "and itself");
    }

    @Test
    void mutedVideoShowsAPlaceholderAndAnAttendeeHasNoTile() {
        room = new Room("mute", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        TestPeer b = join("b", Codec.VP8, BLUE, Role.SPEAKER);
        TestPeer viewer = join("viewer", Codec.VP8, GREEN, Role.ATTENDEE);
        frames(10);
        Layout two = layout(LayoutSpec.grid(), "a", "b");
        assertTile(viewer.picture(), two.tileOf("a"), RED, "the attendee sees a");
        assertTile(viewer.picture(), two.tileOf("b"), BLUE, "the attendee sees b");
        assertFalse(room.participant("viewer").join().orElseThrow().visible(), "an attendee has no tile");

        room.mute("b", null, true).join();
        frames(5);
        assertTile(a.picture(), two.tileOf("b"), SLATE, "b's video muted: the placeholder");
        long decoded = room.participant("b").join().orElseThrow().stats().video().decoder().frames();
        frames(5);
        assertEquals(decoded, room.participant("b").join().orElseThrow().stats().video().decoder().frames(),
                "muted video is not decoded");

        room.mute("b", null, false).join();
        b.sendKeyframeNext();
        frames(10);
        assertTile(a.picture(), two.tileOf("b"), BLUE, "unmuted");
    }

    /** Pixels of the tile's lower-left quarter brighter than any test colour: the name label. */
    private static int textPixels(I420Frame picture, Tile tile) {
        int bright = 0;
        for (int y = tile.y() + tile.height() / 2; y < tile.bottom(); y++) {
            for (int x = tile.x(); x < tile.x() + tile.width() / 2; x++) {
                bright += picture.lumaAt(x, y) > 190 ? 1 : 0;
            }
        }
        return bright;
    }

    @Test
    void everyoneReadsTheOthersNamesOnTheirTilesUnlessSwitchedOff() {
        room = new Room("names", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        join("b", Codec.VP8, BLUE, Role.SPEAKER);
        frames(10);
        Layout two = layout(LayoutSpec.grid(), "a", "b");
        assertTrue(textPixels(a.picture(), two.tileOf("b")) > 15, "b's name (Member b) is written on b's tile");
        assertTrue(textPixels(a.picture(), two.tileOf("a")) > 15, "and a's on a's");
        assertTile(a.picture(), two.tileOf("b"), BLUE, "the picture around the label is b's");
        room.close();
        peers.forEach(TestPeer::close);
        peers.clear();
        senders.clear();

        VideoSettings plain = TestRooms.video(LayoutKind.GRID);
        room = new Room("no-names", new VideoSettings(plain.width(), plain.height(), plain.fps(), plain.bitrateKbps(),
                plain.minBitrateKbps(), plain.keyframeIntervalSeconds(), plain.layout(), false, false, List.of(), false),
                3, clock, RoomEvents.NONE);
        TestPeer c = join("c", Codec.VP8, RED, Role.SPEAKER);
        join("d", Codec.VP8, BLUE, Role.SPEAKER);
        frames(10);
        Layout other = layout(LayoutSpec.grid(), "c", "d");
        assertEquals(0, textPixels(c.picture(), other.tileOf("d")), "video.showNames: false writes no names");
    }

    @Test
    void aReceiverLeavingWhileItsFrameEncodesIsHarmless() {
        room = new Room("inflight", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a", Codec.VP8, RED, Role.SPEAKER);
        join("h", Codec.H264, BLUE, Role.SPEAKER);
        frames(5);
        clock.holdEncodes();
        frames(1); // frame N is in flight on the encode pool
        frames(1); // frame N+1 is composited meanwhile and waits

        room.leave("h").join(); // the only H.264 receiver leaves mid-encode
        senders.keySet().removeIf(p -> p.id().equals("h"));
        clock.releaseEncodes();
        frames(10);

        Room.RoomStats stats = room.stats().join();
        assertEquals(1, stats.videoProfiles(), "the H.264 output closed once its encode finished");
        assertEquals(0, stats.clockErrors());
        assertTile(a.picture(), layout(LayoutSpec.grid(), "a").tileOf("a"), RED, "a keeps receiving");
    }
}
