package dev.mcu.media.vp8;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.mcu.media.rtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Vp8DescriptorTest {
    /** Expected fields; -1 = absent. */
    record Case(String name, String bytes, int size, boolean startOfFrame, int partition, int pictureId,
                int tl0PicIdx, int temporalId, int keyIndex) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> descriptors() {
        return Stream.of(
                new Case("one byte: S=1 PID=0", "10 | 9d", 1, true, 0, -1, -1, -1, -1),
                new Case("X=1 with no optional field", "90 00 | 9d", 2, true, 0, -1, -1, -1, -1),
                new Case("7-bit picture id", "90 80 11 | 9d", 3, true, 0, 0x11, -1, -1, -1),
                new Case("15-bit picture id", "90 80 81 23 | 9d", 4, true, 0, 0x123, -1, -1, -1),
                new Case("picture id, TL0PICIDX, TID and KEYIDX",
                        "90"    // X=1 S=1 PID=0
                        + "f0"  // I L T K
                        + "81 23" // M=1 picture id 0x123
                        + "05"  // TL0PICIDX 5
                        + "a3"  // TID=2 Y=1 KEYIDX=3
                        + "| 9d", 6, true, 0, 0x123, 5, 2, 3),
                new Case("TL0PICIDX only", "90 40 07 | 9d", 3, true, 0, -1, 7, -1, -1),
                new Case("K without T still takes the byte", "90 10 e4 | 9d", 3, true, 0, -1, -1, -1, 4),
                new Case("not a frame start: S=1 in partition 3", "13 | 9d", 1, false, 3, -1, -1, -1, -1),
                new Case("continuation packet with N set", "a0 80 05 | 9d", 3, false, 0, 5, -1, -1, -1),
                new Case("truncated after X", "90", -1, false, 0, -1, -1, -1, -1),
                new Case("truncated inside the 15-bit picture id", "90 80 81", -1, false, 0, -1, -1, -1, -1),
                new Case("truncated before TID/KEYIDX", "90 a0 01", -1, false, 0, -1, -1, -1, -1),
                new Case("no VP8 payload after the descriptor", "90 80 81 23", -1, false, 0, -1, -1, -1, -1),
                new Case("empty", "", -1, false, 0, -1, -1, -1, -1));
    }

    @ParameterizedTest
    @MethodSource("descriptors")
    void parsesEveryOptionalField(Case c) {
        Vp8Descriptor d = new Vp8Descriptor();
        byte[] bytes = hex(c.bytes);
        assertEquals(c.size, d.parse(bytes, 0, bytes.length));
        if (c.size < 0) {
            return;
        }
        assertEquals(c.startOfFrame, d.startOfFrame());
        assertEquals(c.partition, d.partitionIndex());
        assertEquals(c.pictureId, d.pictureId());
        assertEquals(c.tl0PicIdx, d.tl0PicIdx());
        assertEquals(c.temporalId, d.temporalId());
        assertEquals(c.keyIndex, d.keyIndex());
    }

    @Test
    void theWrittenDescriptorReadsBack() {
        byte[] out = new byte[Vp8Descriptor.WRITTEN_SIZE + 1];
        assertEquals(4, Vp8Descriptor.write(out, 0, true, 0x1234));
        assertArrayEquals(hex("90 | 80 | 92 34 | 00"), out); // X S | I | M + 15-bit id | payload
        Vp8Descriptor d = new Vp8Descriptor();
        assertEquals(4, d.parse(out, 0, out.length));
        assertEquals(0x1234, d.pictureId());
        assertEquals(true, d.longPictureId());
    }
}
