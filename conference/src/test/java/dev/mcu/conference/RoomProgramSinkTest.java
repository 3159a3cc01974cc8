package dev.mcu.conference;

import dev.mcu.decoder.VideoDecoder;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What egress gets from a room: the program's H.264 (even when every member takes VP8) and the full mix. */
class RoomProgramSinkTest {
    private final ManualMediaClock clock = new ManualMediaClock();
    private final List<TestPeer> peers = new ArrayList<>();
    private Room room;

    /** Keeps what the room hands over; the mix array is the room's, so it is copied. */
    static final class CapturingSink implements ProgramSink {
        final List<EncodedFrame> video = new CopyOnWriteArrayList<>();
        final List<short[]> audio = new CopyOnWriteArrayList<>();

        @Override
        public void onProgramVideo(EncodedFrame frame) {
            video.add(frame);
        }

        @Override
        public void onProgramAudio(short[] pcm48kMono) {
            audio.add(pcm48kMono.clone());
        }

        short[] lastSecondOfAudio() {
            List<short[]> last = audio.subList(Math.max(0, audio.size() - 50), audio.size());
            short[] out = new short[last.size() * 960];
            for (int i = 0; i < last.size(); i++) {
                System.arraycopy(last.get(i), 0, out, i * 960, 960);
            }
            return out;
        }
    }

    @AfterEach
    void close() {
        if (room != null) {
            room.close();
        }
        peers.forEach(TestPeer::close);
    }

    private TestPeer join(String id) {
        TestPeer peer = TestPeer.of(id, Codec.PCMU, Codec.VP8, Role.SPEAKER);
        peers.add(peer);
        room.join(peer.member);
        return peer;
    }

    /** {@code seconds} of both speakers talking (a: 440 Hz, b: 1,000 Hz) and showing red and blue. */
    private void talkAndShow(TestPeer a, TestPeer b, int seconds) {
        for (int i = 0; i < seconds * 50; i++) {
            a.sendTone(440, 6000);
            b.sendTone(1000, 6000);
            if (i % 5 == 0) {
                a.sendPicture(81, 90, 240);
                b.sendPicture(41, 240, 110);
            }
            clock.advanceMillis(20);
        }
    }

    @Test
    void aSinkGetsTheProgramAsH264StartingAtAKeyframeAndTheFullMixEvenWhenEveryoneTakesVp8() {
        room = new Room("board", TestRooms.video(LayoutKind.GRID), 3, clock, RoomEvents.NONE);
        TestPeer a = join("a");
        TestPeer b = join("b");
        talkAndShow(a, b, 1);
        assertEquals(1, room.stats().join().videoProfiles(), "only the members' VP8 output so far");

        CapturingSink sink = new CapturingSink();
        room.setProgramSink(sink);
        talkAndShow(a, b, 2);

        assertEquals(2, room.stats().join().videoProfiles(), "an H.264 output made for the program");
        assertTrue(sink.video.size() >= 15, sink.video.size() + " access units in 2 s at 10 fps");
        assertTrue(sink.video.get(0).keyframe(), "the program starts at a keyframe");
        assertTrue(sink.video.stream().allMatch(f -> f.codec() == Codec.H264));
        I420Frame picture = null;
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264)) {
            for (EncodedFrame frame : sink.video) {
                I420Frame decoded = decoder.decode(frame);
                picture = decoded != null ? decoded : picture;
            }
        }
        assertNotNull(picture);
        Layout grid = Layouts.compute(LayoutSpec.grid(), TestRooms.WIDTH, TestRooms.HEIGHT, List.of("a", "b"));
        assertColour(picture, grid.tileOf("a"), new int[]{81, 90, 240}, "a's tile is red");
        assertColour(picture, grid.tileOf("b"), new int[]{41, 240, 110}, "b's tile is blue");

        assertTrue(sink.audio.size() >= 95, sink.audio.size() + " mix rounds in 2 s");
        short[] mix = sink.lastSecondOfAudio();
        assertTrue(TestPeer.level(mix, 440) > 1000, "a's tone is in the program mix");
        assertTrue(TestPeer.level(mix, 1000) > 1000, "b's tone is in the program mix");

        room.setProgramSink(null);
        talkAndShow(a, b, 1);
        int seen = sink.video.size();
        talkAndShow(a, b, 1);
        assertEquals(seen, sink.video.size(), "nothing after the sink is removed");
        assertEquals(1, room.stats().join().videoProfiles(), "the program's own output is gone with the sink");
    }

    private static void assertColour(I420Frame picture, Tile tile, int[] colour, String what) {
        int x = tile.x() + tile.width() / 2;
        int y = tile.y() + tile.height() / 2;
        int[] seen = {picture.lumaAt(x, y), picture.uAt(x, y), picture.vAt(x, y)};
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(seen[i] - colour[i]) <= 24, what + ": expected " + Arrays.toString(colour) + ", saw " + Arrays.toString(seen));
        }
    }
}
