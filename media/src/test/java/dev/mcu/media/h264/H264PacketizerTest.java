package dev.mcu.media.h264;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.mcu.media.rtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H264PacketizerTest {
    private static final int PT = 102;
    private static final long SSRC = 0xcafebabeL;

    record Case(String name, int mode, int maxPacketSize, String frame, List<String> payloads) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> frames() {
        return Stream.of(
                new Case("a NAL that fits goes alone in a single NAL unit packet", 1, 1200,
                        "00 00 00 01 | 65 88 84 21",
                        List.of("65 88 84 21")),
                new Case("SPS, PPS and a small IDR share one STAP-A", 1, 1200,
                        "00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 65 88 84",
                        List.of("78"            // STAP-A header: F=0 NRI=3 (highest of the three) type=24
                                + "| 00 02 67 42"   // size 2, SPS
                                + "| 00 02 68 ce"   // size 2, PPS
                                + "| 00 03 65 88 84")), // size 3, IDR slice
                new Case("a NAL too big is cut into FU-A fragments of nearly equal size", 1, 12 + 2 + 3,
                        "00 00 00 01 | 65 01 02 03 04 05 06 07",
                        List.of("7c 85 | 01 02 03",   // FU indicator F=0 NRI=3 type=28, FU header S=1 type=5
                                "7c 05 | 04 05",      // middle: S=0 E=0
                                "7c 45 | 06 07")),    // end: E=1
                new Case("STAP-A stops where the packet is full", 1, 12 + 9,
                        "00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 41 9a",
                        List.of("78 | 00 02 67 42 | 00 02 68 ce", "41 9a")),
                new Case("the STAP-A NRI is the highest of its NALs, and F is their OR", 1, 1200,
                        "00 00 01 06 05 | 00 00 01 c1 9a",
                        List.of("d8 | 00 02 06 05 | 00 02 c1 9a")),
                new Case("mode 0 sends every NAL alone", 0, 1200,
                        "00 00 00 01 67 42 | 00 00 00 01 68 ce | 00 00 00 01 65 88",
                        List.of("67 42", "68 ce", "65 88")),
                new Case("mode 0 drops a NAL too big for one packet", 0, 12 + 4,
                        "00 00 00 01 67 42 | 00 00 00 01 65 01 02 03 04 | 00 00 00 01 68 ce",
                        List.of("67 42", "68 ce")));
    }

    @ParameterizedTest
    @MethodSource("frames")
    void packetizesEachFrameIntoTheExpectedPayloads(Case c) {
        H264Packetizer packetizer = new H264Packetizer(c.mode, PT, SSRC, c.maxPacketSize, true, 65_534);
        List<byte[]> packets = packetizer.packetize(new EncodedFrame(Codec.H264, hex(c.frame), 90_000, false));
        assertEquals(c.payloads.stream().map(p -> hex(hex(p))).toList(),
                packets.stream().map(p -> hex(RtpPacket.parse(p).copyPayload())).toList());
        for (int i = 0; i < packets.size(); i++) {
            RtpPacket p = RtpPacket.parse(packets.get(i));
            assertEquals((65_534 + i) & 0xffff, p.sequenceNumber(), "sequence numbers run on across the wrap");
            assertEquals(i == packets.size() - 1, p.marker(), "marker on the last packet only");
            assertEquals(90_000, p.timestamp());
            assertEquals(PT, p.payloadType());
            assertEquals(SSRC, p.ssrc());
            assertTrue(packets.get(i).length <= c.maxPacketSize);
        }
    }

    @Test
    void theWholeFirstPacketIsAsExpected() {
        H264Packetizer packetizer = new H264Packetizer(1, PT, SSRC, 1200, true, 0x1234);
        byte[] packet = packetizer.packetize(new EncodedFrame(Codec.H264, hex("00 00 01 65 88"), 0x01020304L, true)).get(0);
        assertEquals(hex(hex("80"        // V=2 P=0 X=0 CC=0
                + "e6"                   // M=1 PT=102
                + "12 34"                // sequence number
                + "01 02 03 04"          // timestamp
                + "ca fe ba be"          // ssrc
                + "65 88")), hex(packet)); // the NAL unit
        assertEquals(0x1235, packetizer.nextSequenceNumber());
    }

    @Test
    void modeZeroCountsTheNalsItDropped() {
        H264Packetizer packetizer = new H264Packetizer(0, PT, SSRC, 12 + 4, true, 0);
        List<byte[]> packets = packetizer.packetize(new EncodedFrame(Codec.H264, hex("00 00 01 65 01 02 03 04"), 0, true));
        assertTrue(packets.isEmpty());
        assertEquals(1, packetizer.droppedOversizedNals());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1187, 1188, 1189, 5_000, 150_000})
    void everyPacketOfALargeFrameRespectsTheMaximumSize(int idrSize) {
        H264Packetizer packetizer = new H264Packetizer(1, PT, SSRC);
        List<byte[]> packets = packetizer.packetize(H264Streams.keyframe(0, idrSize, new Random(idrSize)));
        assertFalse(packets.isEmpty());
        for (byte[] p : packets) {
            assertTrue(p.length <= H264Packetizer.DEFAULT_MAX_PACKET_SIZE, () -> "packet of " + p.length);
        }
    }

    @Test
    void aFrameOfAnotherCodecIsAProgrammingError() {
        H264Packetizer packetizer = new H264Packetizer(1, PT, SSRC);
        assertThrows(IllegalArgumentException.class,
                () -> packetizer.packetize(new EncodedFrame(Codec.VP8, new byte[10], 0, true)));
    }

    @Test
    void anInvalidModeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer(2, PT, SSRC));
    }
}
