package dev.mcu.media.h264;

import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.rtp.AbstractDepacketizer;
import dev.mcu.media.rtp.TestPackets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
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

class H264DepacketizerTest {
    /** Payloads of one frame, all with timestamp 3000; the last one gets the marker bit. */
    record Case(String name, List<String> payloads, String expectedAnnexB) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> goodFrames() {
        return Stream.of(
                new Case("single NAL unit packet with an IDR slice",
                        List.of("65 88 84 21"),
                        "00 00 00 01 65 88 84 21"),
                new Case("STAP-A with SPS and PPS, then the IDR",
                        List.of("78 | 00 02 67 42 | 00 02 68 ce", // STAP-A, size 2 SPS, size 2 PPS
                                "65 88 84"),
                        "00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 65 88 84"),
                new Case("FU-A start, middle and end",
                        List.of("7c 85 | 88 01",  // FU indicator NRI=3 type=28; FU header S=1 type=5
                                "7c 05 | 02 03",  // middle
                                "7c 45 | 04"),    // E=1
                        "00 00 00 01 65 88 01 02 03 04"),
                new Case("AUD, SPS, PPS and the IDR as single NAL unit packets",
                        List.of("09 f0", "67 42", "68 ce", "65 88"),
                        "00 00 00 01 09 f0 | 00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 65 88"));
    }

    @ParameterizedTest
    @MethodSource("goodFrames")
    void aCompleteKeyframeComesOutAsAnnexB(Case c) {
        H264Depacketizer depacketizer = new H264Depacketizer();
        EncodedFrame frame = pushAll(depacketizer, 100, c.payloads);
        assertNotNull(frame);
        assertEquals(hex(hex(c.expectedAnnexB)), hex(frame.data()));
        assertTrue(frame.keyframe());
        assertEquals(3000, frame.rtpTimestamp());
        assertFalse(depacketizer.keyframeNeeded());
    }

    static Stream<Case> badFrames() {
        return Stream.of(
                new Case("FU-A middle without its start", List.of("7c 05 | 02 03", "7c 45 | 04"), null),
                new Case("FU-A with both S and E", List.of("7c c5 | 88 01"), null),
                new Case("FU-A with only a FU indicator", List.of("7c"), null),
                new Case("FU-A start that is never ended", List.of("7c 85 | 88 01", "7c 05 | 02"), null),
                new Case("FU-A end of another NAL type", List.of("7c 85 | 88 01", "7c 41 | 04"), null),
                new Case("STAP-B", List.of("79 | 00 00 | 00 02 65 88"), null),
                new Case("MTAP16", List.of("7a | 00 00 | 00 02 00 00 00 65 88"), null),
                new Case("MTAP24", List.of("7b | 00 00 | 00 02 00 00 00 00 65 88"), null),
                new Case("FU-B", List.of("7d 85 | 00 00 | 88 01"), null),
                new Case("STAP-A whose size runs past the packet", List.of("78 | 00 09 67 42"), null),
                new Case("STAP-A with a zero size", List.of("78 | 00 00 | 00 02 65 88"), null),
                new Case("STAP-A with a dangling size byte", List.of("78 | 00 02 65 88 | 00"), null),
                new Case("STAP-A with nothing in it", List.of("78"), null),
                new Case("NAL type 0", List.of("00 88"), null),
                new Case("NAL type 30", List.of("7e 88"), null),
                new Case("IDR slice that is not the first of its picture, with nothing before it",
                        List.of("65 40 84"), null));
    }

    @ParameterizedTest
    @MethodSource("badFrames")
    void aBrokenFrameIsDiscardedAndAKeyframeIsStillNeeded(Case c) {
        H264Depacketizer depacketizer = new H264Depacketizer();
        assertNull(pushAll(depacketizer, 100, c.payloads));
        assertTrue(depacketizer.keyframeNeeded());
        assertEquals(0, depacketizer.framesCompleted());
    }

    @Test
    void anAccessUnitBeyondTheSizeCapIsDroppedAndCountedAndTheNextKeyframeComesOut() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        int seq = 100;
        assertNull(depacketizer.push(TestPackets.packet(seq++, 3000, false, hex("7c 85 | 88 01")))); // FU-A start, IDR
        byte[] middle = new byte[1202];
        middle[0] = 0x7c;
        middle[1] = 0x05; // FU-A middle of the IDR
        int packets = AbstractDepacketizer.MAX_FRAME_BYTES / 1200 + 2;
        for (int i = 0; i < packets; i++) {
            assertNull(depacketizer.push(TestPackets.packet(seq++, 3000, false, middle)));
        }
        assertNull(depacketizer.push(TestPackets.packet(seq++, 3000, true, hex("7c 45 | 04"))));
        assertEquals(1, depacketizer.framesTooLarge());
        assertTrue(depacketizer.keyframeNeeded());

        EncodedFrame next = depacketizer.push(TestPackets.packet(seq, 6000, true, hex("65 88 84 21")));
        assertNotNull(next, "the sender's next keyframe is decoded as usual");
        assertEquals(hex(hex("00 00 00 01 65 88 84 21")), hex(next.data()));
    }

    @Test
    void interleavedModePacketsAreCountedAsUnsupported() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        depacketizer.push(TestPackets.packet(1, 3000, true, hex("79 00 00 00 02 65 88")));
        depacketizer.push(TestPackets.packet(2, 6000, true, hex("7d 85 00 00 88")));
        assertEquals(2, depacketizer.unsupportedPackets());
    }

    @Test
    void aLostFragmentInTheMiddleDiscardsTheFrameUntilTheNextKeyframe() {
        Random random = new Random(7);
        H264Packetizer packetizer = new H264Packetizer(1, 96, 1, 1200, true, 0);
        H264Depacketizer depacketizer = new H264Depacketizer();
        EncodedFrame key1 = H264Streams.keyframe(0, 5000, random);
        EncodedFrame delta = H264Streams.deltaFrame(3000, 3, 200, random);
        EncodedFrame key2 = H264Streams.keyframe(6000, 5000, random);

        assertArrayEquals(key1.data(), feed(depacketizer, packetizer.packetize(key1), -1).get(0).data());

        List<byte[]> packets = packetizer.packetize(key2);
        assertTrue(packets.size() > 3);
        assertEquals(List.of(), feed(depacketizer, packets, 2), "frame with packet 2 lost");
        assertTrue(depacketizer.keyframeNeeded());
        assertEquals(1, depacketizer.framesDiscarded());

        assertEquals(List.of(), feed(depacketizer, packetizer.packetize(delta), -1), "delta frame while waiting");
        assertEquals(1, depacketizer.framesSkipped());

        List<EncodedFrame> recovered = feed(depacketizer, packetizer.packetize(key2), -1);
        assertEquals(1, recovered.size());
        assertTrue(recovered.get(0).keyframe());
        assertFalse(depacketizer.keyframeNeeded());
        assertEquals(2, depacketizer.framesCompleted());
    }

    @Test
    void aFrameWithoutMarkerEndsWhenTheTimestampChanges() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        assertNull(depacketizer.push(TestPackets.packet(1, 3000, false, hex("65 88"))));
        EncodedFrame first = depacketizer.push(TestPackets.packet(2, 6000, false, hex("41 9a"))); // no marker either
        assertNotNull(first);
        assertEquals(3000, first.rtpTimestamp());
        EncodedFrame second = depacketizer.push(TestPackets.packet(3, 9000, false, hex("41 9b")));
        assertEquals(6000, second.rtpTimestamp());
        assertFalse(second.keyframe());
    }

    @Test
    void twoFramesFinishedByOnePacketBothComeOut() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        assertNull(depacketizer.push(TestPackets.packet(1, 3000, false, hex("65 88"))));
        EncodedFrame first = depacketizer.push(TestPackets.packet(2, 6000, true, hex("41 9a")));
        assertEquals(3000, first.rtpTimestamp());
        EncodedFrame second = depacketizer.push(TestPackets.packet(3, 9000, false, hex("41 9b")));
        assertEquals(6000, second.rtpTimestamp(), "held back one push");
    }

    @Test
    void parameterSetsSentAsTheirOwnFrameArePutInFrontOfTheIdr() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        assertNull(depacketizer.push(TestPackets.packet(1, 3000, true, hex("78 | 00 02 67 42 | 00 02 68 ce"))),
                "parameter sets alone are nothing to decode");
        assertTrue(depacketizer.keyframeNeeded());
        assertNull(depacketizer.push(TestPackets.packet(2, 6000, false, hex("09 f0"))));
        EncodedFrame idr = depacketizer.push(TestPackets.packet(3, 6000, true, hex("65 88")));
        assertEquals(hex(hex("00 00 00 01 09 f0 | 00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 65 88")),
                hex(idr.data()), "after the AUD, which must stay first");
        assertTrue(idr.keyframe());
    }

    @Test
    void aPaddingOnlyPacketKeepsTheSequenceWithoutBreakingTheFrame() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        assertNull(depacketizer.push(TestPackets.packet(1, 3000, false, hex("67 42"))));
        assertNull(depacketizer.push(TestPackets.packet(2, 3000, false, new byte[0])));
        assertNotNull(depacketizer.push(TestPackets.packet(3, 3000, true, hex("65 88"))));
        assertEquals(0, depacketizer.gaps());
    }

    @Test
    void afterAGapAFrameStartingWithItsFirstSliceIsTrusted() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        depacketizer.push(TestPackets.packet(1, 3000, true, hex("65 88")));
        // packet 2 lost; packet 3 starts a new IDR whose first slice has first_mb_in_slice = 0
        EncodedFrame frame = depacketizer.push(TestPackets.packet(3, 6000, true, hex("65 b8 01")));
        assertNotNull(frame);
        assertEquals(1, depacketizer.gaps());
        // packet 5 lost; packet 6 is a later slice of an IDR: its beginning may be gone
        assertNull(depacketizer.push(TestPackets.packet(6, 9000, true, hex("65 40 01"))));
        assertTrue(depacketizer.keyframeNeeded());
    }

    @Test
    void resetRequiresAKeyframeAgain() {
        H264Depacketizer depacketizer = new H264Depacketizer();
        depacketizer.push(TestPackets.packet(1, 3000, true, hex("65 88")));
        assertFalse(depacketizer.keyframeNeeded());
        depacketizer.reset();
        assertTrue(depacketizer.keyframeNeeded());
        assertNull(depacketizer.push(TestPackets.packet(500, 6000, true, hex("41 9a"))));
    }

    @Test
    void largeRandomFramesSurviveARoundTripInBothModes() {
        Random random = new Random(42);
        for (int mode = 0; mode <= 1; mode++) {
            H264Packetizer packetizer = new H264Packetizer(mode, 96, 1, 1200, true, 65_000);
            H264Depacketizer depacketizer = new H264Depacketizer();
            int maxSlice = mode == 0 ? 1188 : 30_000;
            for (int i = 0; i < 60; i++) {
                EncodedFrame sent = i % 20 == 0
                        ? H264Streams.keyframe(i * 3000L, 2 + random.nextInt(maxSlice - 1), random)
                        : H264Streams.deltaFrame(i * 3000L, 1 + random.nextInt(4), maxSlice, random);
                List<byte[]> packets = packetizer.packetize(sent);
                packets.forEach(p -> assertTrue(p.length <= 1200));
                List<EncodedFrame> got = feed(depacketizer, packets, -1);
                assertEquals(1, got.size(), "mode " + mode + " frame " + i);
                assertArrayEquals(sent.data(), got.get(0).data());
                assertEquals(sent.keyframe(), got.get(0).keyframe());
                assertEquals(sent.rtpTimestamp(), got.get(0).rtpTimestamp());
            }
            assertEquals(0, packetizer.droppedOversizedNals());
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(1234);
        H264Depacketizer depacketizer = new H264Depacketizer();
        List<byte[]> valid = new H264Packetizer(1, 96, 1, 200, true, 0)
                .packetize(H264Streams.keyframe(0, 3000, random));
        for (int i = 0; i < 20_000; i++) {
            byte[] payload;
            if (random.nextBoolean()) {
                payload = new byte[random.nextInt(40)];
                random.nextBytes(payload);
            } else { // a valid payload, truncated and with a flipped bit
                byte[] source = RtpPacket.parse(valid.get(random.nextInt(valid.size()))).copyPayload();
                payload = java.util.Arrays.copyOf(source, random.nextInt(source.length + 1));
                if (payload.length > 0) {
                    payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            int seq = random.nextInt(10) == 0 ? random.nextInt(1 << 16) : i;
            depacketizer.push(TestPackets.packet(seq, random.nextInt(4) * 3000L, random.nextBoolean(), payload));
        }
        assertTrue(depacketizer.malformedPackets() > 0);
    }

    private static EncodedFrame pushAll(H264Depacketizer depacketizer, int firstSeq, List<String> payloads) {
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

    /** Pushes the packets, skipping index {@code lose} (or none when -1), and collects the frames. */
    static List<EncodedFrame> feed(H264Depacketizer depacketizer, List<byte[]> packets, int lose) {
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
