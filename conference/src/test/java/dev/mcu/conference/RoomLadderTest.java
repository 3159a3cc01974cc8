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
import dev.mcu.media.MediaKind;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.rtp.RtpPacket;
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
 * The output ladder in a room: receivers of one profile on different layers, chosen from their own
 * reports, each layer encoded only while somebody receives it, and a move that arrives as a keyframe
 * of the new layer. The receivers' reports are set on their in-memory transports (REMB, loss), as the
 * transport would record a browser's RTCP; the transport's own sequence rewrite is tested in
 * transport (MediaEndpointLayerSwitchTest) and end to end in mcu-app (OutputLadderTest).
 * No sockets, no sleeping: a manual clock.
 */
class RoomLadderTest {
    private static final int[] RED = {81, 90, 240};
    private static final int[] BLUE = {41, 240, 110};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    /** Rates the noisy test pictures fill (a busy stream is what makes a low estimate mean congestion). */
    private static final VideoSettings LADDER = new VideoSettings(WIDTH, HEIGHT, 10, 150, 20, 10, LayoutKind.GRID,
            false, false, List.of(), false, List.of(new VideoLayerSpec(320, 180, 60), new VideoLayerSpec(160, 90, 20)));
    private static final int NOISE = 12;
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

    private TestPeer join(String id, int[] colour) {
        return join(id, colour, VideoReceiveCap.NONE);
    }

    private TestPeer join(String id, int[] colour, VideoReceiveCap cap) {
        TestPeer peer = TestPeer.of(id, Codec.PCMU, Codec.H264, Role.SPEAKER, cap);
        peers.add(peer);
        if (colour != null) {
            senders.put(peer, colour);
        }
        room.join(peer.member);
        return peer;
    }

    private void seconds(int count) {
        for (int i = 0; i < count * 10; i++) {
            senders.forEach((peer, c) -> peer.sendPicture(c[0], c[1], c[2], NOISE));
            clock.advanceMillis(100);
        }
    }

    private String layerOf(String id) {
        return room.participant(id).join().orElseThrow().videoLayer();
    }

    /** The mean colour of a 9x9 patch at the tile's centre, scaled to the picture's size. */
    private static void assertColour(I420Frame picture, Tile canvasTile, int[] colour, String what) {
        double scale = (double) picture.width() / WIDTH;
        int x = (int) ((canvasTile.x() + canvasTile.width() / 2) * scale);
        int y = (int) ((canvasTile.y() + canvasTile.height() / 2) * scale);
        int[] seen = new int[3];
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                seen[0] += picture.lumaAt(x + dx, y + dy);
                seen[1] += picture.uAt(x + dx, y + dy);
                seen[2] += picture.vAt(x + dx, y + dy);
            }
        }
        for (int i = 0; i < 3; i++) {
            seen[i] /= 81;
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(seen[i] - colour[i]) <= 24, what + ": expected YUV " + java.util.Arrays.toString(colour)
                    + " at " + x + "," + y + ", saw " + java.util.Arrays.toString(seen));
        }
    }

    /** What a receiver decodes from the packets it got, and where the stream changed source. */
    private static final class Watched implements AutoCloseable {
        final H264Depacketizer depacketizer = new H264Depacketizer();
        final VideoDecoder decoder = new VideoDecoder(Codec.H264);
        final List<Boolean> firstFramesAfterSourceChange = new ArrayList<>();
        long ssrc = -1;
        boolean sourceChanged;
        int sourceChanges;
        I420Frame last;

        int shift;
        int lastSequence = -1;

        /** Renumbers as the receiver's transport does (MediaEndpoint): one stream across a change of source. */
        void take(List<byte[]> packets) {
            for (byte[] bytes : packets) {
                RtpPacket original = RtpPacket.parse(bytes);
                if (ssrc >= 0 && original.ssrc() != ssrc) {
                    sourceChanged = true;
                    sourceChanges++;
                    shift = lastSequence + 1 - original.sequenceNumber();
                }
                ssrc = original.ssrc();
                lastSequence = (original.sequenceNumber() + shift) & 0xffff;
                byte[] renumbered = bytes.clone();
                renumbered[2] = (byte) (lastSequence >>> 8);
                renumbered[3] = (byte) lastSequence;
                RtpPacket packet = RtpPacket.parse(renumbered);
                EncodedFrame frame = depacketizer.push(packet);
                if (frame != null) {
                    if (sourceChanged) {
                        firstFramesAfterSourceChange.add(frame.keyframe());
                        sourceChanged = false;
                    }
                    I420Frame decoded = decoder.decode(frame);
                    if (decoded != null) {
                        last = decoded;
                    }
                }
            }
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    @Test
    void aReceiverWhoseEstimateIsLowGetsASmallerLayerAtAKeyframeAndTheOtherKeepsTheCanvas() {
        room = new Room("ladder", LADDER, 3, clock, RoomEvents.NONE);
        TestPeer fast = join("fast", RED);
        TestPeer slow = join("slow", BLUE);
        try (Watched slowSees = new Watched(); Watched fastSees = new Watched()) {
            seconds(2);
            slowSees.take(slow.member.wire().drain(MediaKind.VIDEO));
            fastSees.take(fast.member.wire().drain(MediaKind.VIDEO));
            assertEquals("640x360", layerOf("slow"));
            assertEquals(WIDTH, slowSees.last.width());
            assertEquals(Map.of("H264/mode1", 150), room.stats().join().videoBitrateKbps(),
                    "the smaller layers are not encoded while nobody receives them");

            slow.member.wire().remoteBitrateEstimateBps = 60_000;
            seconds(2);
            assertEquals("640x360", layerOf("slow"), "a low estimate for two checks: a dip, not yet a move");
            seconds(3);
            slowSees.take(slow.member.wire().drain(MediaKind.VIDEO));
            fastSees.take(fast.member.wire().drain(MediaKind.VIDEO));

            assertEquals("160x90", layerOf("slow"), "60 kbit/s, below what it was sent, with 10% headroom fits the 20 kbit/s layer");
            assertEquals("640x360", layerOf("fast"));
            assertNotNull(slowSees.last);
            assertEquals(160, slowSees.last.width());
            assertEquals(90, slowSees.last.height());
            assertEquals(WIDTH, fastSees.last.width(), "the other receiver keeps the canvas size");
            assertEquals(List.of(true), slowSees.firstFramesAfterSourceChange,
                    "one move, and the first frame of the new layer is a keyframe");
            assertEquals(0, fastSees.sourceChanges);
            Layout two = Layouts.compute(LayoutSpec.grid(), WIDTH, HEIGHT, List.of("fast", "slow"));
            assertColour(slowSees.last, two.tileOf("fast"), RED, "the small layer shows fast's colour");
            assertColour(slowSees.last, two.tileOf("slow"), BLUE, "and slow's");
            assertColour(fastSees.last, two.tileOf("slow"), BLUE, "the canvas still shows slow's colour");
            Map<String, Integer> bitrates = room.stats().join().videoBitrateKbps();
            assertEquals(Map.of("H264/mode1", 150, "H264/mode1 160x90", 20), bitrates,
                    "two layers run, each at its own rate: the slow receiver no longer pulls the canvas down");

            room.leave("slow").join();
            senders.remove(slow);
            seconds(1);
            assertEquals(Map.of("H264/mode1", 150), room.stats().join().videoBitrateKbps(),
                    "the small layer stops when its last receiver leaves");
        }
    }

    @Test
    void aReceiverWhoseSdpSaysLessStartsOnTheLayerThatFitsAndNeverGoesAbove() {
        room = new Room("caps", LADDER, 3, clock, RoomEvents.NONE);
        TestPeer fast = join("fast", RED);
        TestPeer cif = join("cif", BLUE, new VideoReceiveCap(396, 0));     // max-fs=396: 320x180 is 240
        TestPeer narrow = join("narrow", null, new VideoReceiveCap(0, 40)); // b=AS:40: only the 20 kbit/s layer
        try (Watched fastSees = new Watched(); Watched cifSees = new Watched(); Watched narrowSees = new Watched()) {
            for (int i = 0; i < 6; i++) {
                // Room to spare by every report: without its cap each would climb to the canvas in 3 checks.
                for (TestPeer p : List.of(fast, cif, narrow)) {
                    p.member.wire().remoteBitrateEstimateBps = 50_000_000;
                    p.member.wire().remoteFractionLost = 0;
                }
                seconds(1);
                fastSees.take(fast.member.wire().drain(MediaKind.VIDEO));
                cifSees.take(cif.member.wire().drain(MediaKind.VIDEO));
                narrowSees.take(narrow.member.wire().drain(MediaKind.VIDEO));
            }
            assertEquals("640x360", layerOf("fast"));
            assertEquals("320x180", layerOf("cif"));
            assertEquals("160x90", layerOf("narrow"));
            assertEquals(WIDTH, fastSees.last.width());
            assertEquals(320, cifSees.last.width());
            assertEquals(160, narrowSees.last.width());
            assertEquals(0, cifSees.sourceChanges, "the capped layer from its first frame on: no move");
            assertEquals(0, narrowSees.sourceChanges);
            Layout three = Layouts.compute(LayoutSpec.grid(), WIDTH, HEIGHT, List.of("fast", "cif", "narrow"));
            assertColour(cifSees.last, three.tileOf("fast"), RED, "the capped layer shows fast's colour");
            assertColour(cifSees.last, three.tileOf("cif"), BLUE, "and its own");
            assertEquals(Map.of("H264/mode1", 150, "H264/mode1 320x180", 60, "H264/mode1 160x90", 20),
                    room.stats().join().videoBitrateKbps());
        }
    }

    @Test
    void aReceiverLosingPacketsStepsDownOneLayerAndComesBackWhenItsEstimateShowsRoom() {
        room = new Room("loss", LADDER, 3, clock, RoomEvents.NONE);
        join("fast", RED);
        TestPeer lossy = join("lossy", BLUE);
        seconds(2);

        lossy.member.wire().remoteFractionLost = 51; // 20%
        seconds(2);
        assertEquals("320x180", layerOf("lossy"));

        lossy.member.wire().remoteFractionLost = 0;
        lossy.member.wire().remoteBitrateEstimateBps = 5_000_000;
        seconds(6);
        assertEquals("640x360", layerOf("lossy"), "back on the canvas once its estimate shows room, after the hysteresis");
        assertFalse(room.stats().join().videoBitrateKbps().containsKey("H264/mode1 320x180"),
                "and the 320x180 layer is closed again");
    }

    @Test
    void aReceiverWhoseEstimateOnlyFollowsALightStreamStaysOnTheCanvas() {
        room = new Room("light", LADDER, 3, clock, RoomEvents.NONE);
        join("fast", RED);
        TestPeer viewer = join("viewer", BLUE);
        senders.replaceAll((peer, colour) -> colour);
        for (int i = 0; i < 50; i++) { // flat colours: a few kbit/s, and an estimate below even that
            senders.forEach((peer, c) -> peer.sendPicture(c[0], c[1], c[2]));
            viewer.member.wire().remoteBitrateEstimateBps = 5_000;
            clock.advanceMillis(100);
        }
        assertEquals("640x360", layerOf("viewer"), "a trickle's estimate says nothing about the link");
    }

    @Test
    void aOneLayerLadderEncodesOnceAndTheSlowestReceiverSetsTheRateAsBefore() {
        room = new Room("one", TestRooms.video(), 3, clock, RoomEvents.NONE);
        join("fast", RED);
        TestPeer slow = join("slow", BLUE);
        seconds(1);
        slow.member.wire().remoteBitrateEstimateBps = 300_000;
        seconds(2);
        assertEquals("320x180", layerOf("slow"));
        assertEquals(Map.of("H264/mode1", 270), room.stats().join().videoBitrateKbps());
    }
}
