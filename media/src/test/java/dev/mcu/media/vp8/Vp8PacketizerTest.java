package dev.mcu.media.vp8;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static dev.mcu.media.rtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Vp8PacketizerTest {
    @Test
    void eachPacketCarriesTheDescriptorAndOnlyTheFirstHasS() {
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5, 12 + 4 + 3, 10, 0x1234);
        List<byte[]> packets = packetizer.packetize(
                new EncodedFrame(Codec.VP8, hex("11 22 33 44 55 66 77"), 9000, false));
        assertEquals(List.of(
                        hex(hex("90 80 92 34 | 11 22 33")), // X=1 S=1 PID=0 | I=1 | M=1 picture id 0x1234 | VP8 bytes
                        hex(hex("80 80 92 34 | 44 55")),    // S=0
                        hex(hex("80 80 92 34 | 66 77"))),
                packets.stream().map(p -> hex(RtpPacket.parse(p).copyPayload())).toList());
        for (int i = 0; i < 3; i++) {
            RtpPacket p = RtpPacket.parse(packets.get(i));
            assertEquals(10 + i, p.sequenceNumber());
            assertEquals(i == 2, p.marker());
            assertEquals(9000, p.timestamp());
            assertEquals(100, p.payloadType());
        }
        assertEquals(0x1235, packetizer.nextPictureId());
    }

    @Test
    void thePictureIdWrapsAtFifteenBits() {
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5, 1200, 65_535, 0x7fff);
        byte[] first = packetizer.packetize(new EncodedFrame(Codec.VP8, hex("11"), 0, false)).get(0);
        byte[] second = packetizer.packetize(new EncodedFrame(Codec.VP8, hex("11"), 3000, false)).get(0);
        assertEquals(hex(hex("90 80 ff ff 11")), hex(RtpPacket.parse(first).copyPayload()));
        assertEquals(hex(hex("90 80 80 00 11")), hex(RtpPacket.parse(second).copyPayload()));
        assertEquals(0, RtpPacket.parse(second).sequenceNumber());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1183, 1184, 1185, 4_000, 200_000})
    void everyPacketRespectsTheMaximumSize(int frameSize) {
        Vp8Packetizer packetizer = new Vp8Packetizer(100, 5);
        byte[] data = new byte[frameSize];
        new Random(frameSize).nextBytes(data);
        List<byte[]> packets = packetizer.packetize(new EncodedFrame(Codec.VP8, data, 0, false));
        int carried = 0;
        for (byte[] p : packets) {
            assertTrue(p.length <= Vp8Packetizer.DEFAULT_MAX_PACKET_SIZE);
            carried += p.length - 12 - 4;
        }
        assertEquals(frameSize, carried);
        assertEquals((frameSize + 1183) / 1184, packets.size());
    }

    @Test
    void anEmptyFrameSendsNothing() {
        assertEquals(List.of(), new Vp8Packetizer(100, 5).packetize(new EncodedFrame(Codec.VP8, new byte[0], 0, false)));
    }

    @Test
    void aFrameOfAnotherCodecIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class,
                () -> new Vp8Packetizer(100, 5).packetize(new EncodedFrame(Codec.H264, new byte[3], 0, false)));
    }
}
