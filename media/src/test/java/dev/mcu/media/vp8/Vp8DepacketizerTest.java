package dev.mcu.media.vp8;

import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.AbstractDepacketizer;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.rtp.TestPackets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.mcu.media.rtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Vp8DepacketizerTest {
    // A tiny keyframe: first partition size 1, P=0 | start code | 640x360 | one byte of partition
    private static final String KEYFRAME = "30 00 00 | 9d 01 2a | 80 02 68 01 | ab";
    // A tiny delta frame: first partition size 1, P=1 | one byte
    private static final String DELTA = "31 00 00 | cd";

    record Case(String name, List<String> payloads, String expectedFrame) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> frames() {
        return Stream.of(
                new Case("keyframe in one packet, one-byte descriptor",
                        List.of("10 | " + KEYFRAME), KEYFRAME),
                new Case("keyframe in two packets with 15-bit picture ids",
                        List.of("90 80 81 23 | 30 00 00 9d 01", "80 80 81 23 | 2a 80 02 68 01 ab"), KEYFRAME),
                new Case("keyframe with every optional field",
                        List.of("90 f0 81 23 05 a3 | " + KEYFRAME), KEYFRAME),
                new Case("keyframe split at a partition boundary (S=1 in partition 1)",
                        List.of("90 80 05 | 30 00 00 9d 01 2a 80 02 68 01", "91 80 05 | ab"), KEYFRAME));
    }

    @ParameterizedTest
    @MethodSource("frames")
    void aCompleteKeyframeComesOutWithoutDescriptors(Case c) {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        EncodedFrame frame = pushAll(depacketizer, 7, c.payloads);
        assertNotNull(frame);
        assertEquals(hex(hex(c.expectedFrame)), hex(frame.data()));
        assertTrue(frame.keyframe());
        assertFalse(depacketizer.keyframeNeeded());
    }

    static Stream<Case> brokenFrames() {
        return Stream.of(
                new Case("first packet without S", List.of("80 | " + KEYFRAME), null),
                new Case("first packet starts partition 1", List.of("11 | " + KEYFRAME), null),
                new Case("keyframe with a wrong start code", List.of("10 | 30 00 00 9d 01 2b 80 02 68 01 ab"), null),
                new Case("keyframe shorter than its header", List.of("10 | 30 00 00 9d 01 2a"), null),
                new Case("first partition larger than the frame", List.of("10 | 50 00 00 9d 01 2a 80 02 68 01 ab"), null),
                new Case("picture id changes inside the frame",
                        List.of("90 80 05 | 30 00 00 9d 01", "80 80 06 | 2a 80 02 68 01 ab"), null),
                new Case("a second frame start under the same timestamp",
                        List.of("10 | 30 00 00 9d 01", "10 | 2a 80 02 68 01 ab"), null),
                new Case("descriptor without payload", List.of("90 80 81 23"), null));
    }

    @ParameterizedTest
    @MethodSource("brokenFrames")
    void aBrokenFrameIsDiscarded(Case c) {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertNull(pushAll(depacketizer, 7, c.payloads));
        assertTrue(depacketizer.keyframeNeeded());
        assertEquals(0, depacketizer.framesCompleted());
    }

    @Test
    void keyframeIsTheInverseOfThePBit() {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertTrue(depacketizer.push(TestPackets.packet(1, 3000, true, hex("10 | " + KEYFRAME))).keyframe());
        EncodedFrame delta = depacketizer.push(TestPackets.packet(2, 6000, true, hex("10 | " + DELTA)));
        assertFalse(delta.keyframe());
        assertArrayEquals(hex(DELTA), delta.data());
    }

    @Test
    void deltaFramesWaitForTheFirstKeyframe() {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertTrue(depacketizer.keyframeNeeded(), "nothing decodable yet");
        assertNull(depacketizer.push(TestPackets.packet(1, 3000, true, hex("10 | " + DELTA))));
        assertEquals(1, depacketizer.framesSkipped());
        assertNotNull(depacketizer.push(TestPackets.packet(2, 6000, true, hex("10 | " + KEYFRAME))));
    }

    @Test
    void aLostPacketInTheMiddleDiscardsTheFrameUntilTheNextKeyframe() {
        Random random = new Random(3);
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5, 1200, 100, 0);
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertEquals(1, feed(depacketizer, packetizer.packetize(Vp8Streams.frame(0, true, 3000, random)), -1).size());

        assertEquals(List.of(), feed(depacketizer, packetizer.packetize(Vp8Streams.frame(3000, false, 5000, random)), 2));
        assertTrue(depacketizer.keyframeNeeded());
        assertEquals(1, depacketizer.framesDiscarded());
        assertEquals(List.of(), feed(depacketizer, packetizer.packetize(Vp8Streams.frame(6000, false, 900, random)), -1));
        assertEquals(1, depacketizer.framesSkipped());

        EncodedFrame key = Vp8Streams.frame(9000, true, 7000, random);
        List<EncodedFrame> got = feed(depacketizer, packetizer.packetize(key), -1);
        assertEquals(1, got.size());
        assertArrayEquals(key.data(), got.get(0).data());
        assertFalse(depacketizer.keyframeNeeded());
    }

    @Test
    void aLostFirstPacketBreaksTheFrameEvenAfterACleanMarker() {
        Random random = new Random(4);
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5, 1200, 0, 0);
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        feed(depacketizer, packetizer.packetize(Vp8Streams.frame(0, true, 1000, random)), -1);
        assertEquals(List.of(), feed(depacketizer, packetizer.packetize(Vp8Streams.frame(3000, true, 3000, random)), 0));
        assertTrue(depacketizer.keyframeNeeded());
    }

    @Test
    void largeRandomFramesSurviveARoundTrip() {
        Random random = new Random(99);
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5, 1200, 65_530, 0x7ff0);
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        for (int i = 0; i < 60; i++) {
            EncodedFrame sent = Vp8Streams.frame(i * 3000L, i % 15 == 0, 10 + random.nextInt(60_000), random);
            List<byte[]> packets = packetizer.packetize(sent);
            packets.forEach(p -> assertTrue(p.length <= 1200));
            List<EncodedFrame> got = feed(depacketizer, packets, -1);
            assertEquals(1, got.size(), "frame " + i);
            assertArrayEquals(sent.data(), got.get(0).data());
            assertEquals(sent.keyframe(), got.get(0).keyframe());
            assertEquals(sent.rtpTimestamp(), got.get(0).rtpTimestamp());
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(5678);
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        List<byte[]> valid = new Vp8Packetizer(100, 5, 300, 0, 0).packetize(Vp8Streams.frame(0, true, 2000, random));
        for (int i = 0; i < 20_000; i++) {
            byte[] payload;
            if (random.nextBoolean()) {
                payload = new byte[random.nextInt(30)];
                random.nextBytes(payload);
            } else {
                byte[] source = RtpPacket.parse(valid.get(random.nextInt(valid.size()))).copyPayload();
                payload = Arrays.copyOf(source, random.nextInt(source.length + 1));
                if (payload.length > 0) {
                    payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            int seq = random.nextInt(10) == 0 ? random.nextInt(1 << 16) : i;
            depacketizer.push(TestPackets.packet(seq, random.nextInt(4) * 3000L, random.nextBoolean(), payload));
        }
        assertTrue(depacketizer.malformedPackets() > 0);
    }

    @Test
    void aFrameBeyondTheSizeCapIsDroppedAndCountedAndTheNextKeyframeComesOut() {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        byte[] filler = new byte[1200 + 1];
        filler[0] = 0x00; // descriptor: continuation of the same partition
        int seq = 100;
        assertNull(depacketizer.push(TestPackets.packet(seq++, 3000, false, hex("10 | 30 00 00 9d 01 2a 80 02 68 01"))));
        int packets = AbstractDepacketizer.MAX_FRAME_BYTES / 1200 + 2; // one timestamp, never a marker: 2 MiB and more
        for (int i = 0; i < packets; i++) {
            assertNull(depacketizer.push(TestPackets.packet(seq++, 3000, i == packets - 1, filler)));
        }
        assertEquals(1, depacketizer.framesTooLarge());
        assertTrue(depacketizer.keyframeNeeded(), "a dropped frame asks for a keyframe");

        EncodedFrame next = depacketizer.push(TestPackets.packet(seq, 6000, true, hex("10 | " + KEYFRAME)));
        assertNotNull(next, "the sender's next keyframe is decoded as usual");
        assertEquals(hex(hex(KEYFRAME)), hex(next.data()));
    }

    private static EncodedFrame pushAll(Vp8Depacketizer depacketizer, int firstSeq, List<String> payloads) {
        EncodedFrame out = null;
        for (int i = 0; i < payloads.size(); i++) {
            EncodedFrame f = depacketizer.push(
                    TestPackets.packet(firstSeq + i, 3000, i == payloads.size() - 1, hex(payloads.get(i))));
            if (f != null) {
                out = f;
            }
        }
        return out;
    }

    private static List<EncodedFrame> feed(Vp8Depacketizer depacketizer, List<byte[]> packets, int lose) {
        List<EncodedFrame> frames = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (i == lose) {
                continue;
            }
            EncodedFrame f = depacketizer.push(RtpPacket.parse(packets.get(i)));
            if (f != null) {
                frames.add(f);
            }
        }
        return frames;
    }
}
