package dev.mcu.media.h264;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.mcu.media.rtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AnnexBTest {
    record Case(String name, String stream, List<String> nals) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> streams() {
        return Stream.of(
                new Case("4-byte start codes",
                        "00 00 00 01 | 67 42 | 00 00 00 01 | 68 ce | 00 00 00 01 | 65 88",
                        List.of("67 42", "68 ce", "65 88")),
                new Case("3-byte start codes",
                        "00 00 01 | 67 42 | 00 00 01 | 65 88",
                        List.of("67 42", "65 88")),
                new Case("mixed start codes",
                        "00 00 01 | 09 f0 | 00 00 00 01 | 65 88 | 00 00 01 | 41 9a",
                        List.of("09 f0", "65 88", "41 9a")),
                new Case("bytes before the first start code are ignored",
                        "ff 12 | 00 00 01 | 09 f0",
                        List.of("09 f0")),
                new Case("trailing zero bytes are trimmed",
                        "00 00 01 | 65 88 | 00 00",
                        List.of("65 88")),
                new Case("empty NAL units are skipped",
                        "00 00 01 | 00 00 01 | 65",
                        List.of("65")),
                new Case("high bytes take the fast skip",
                        "00 00 01 | 65 ff ff 80 | 00 00 01 | 41",
                        List.of("65 ff ff 80", "41")),
                new Case("00 00 02 is not a start code",
                        "00 00 01 | 65 00 00 02 01",
                        List.of("65 00 00 02 01")),
                new Case("no start code, no NAL units", "65 88 84", List.of()),
                new Case("empty stream", "", List.of()));
    }

    @ParameterizedTest
    @MethodSource("streams")
    void splitFindsEveryNalUnitBetweenStartCodes(Case c) {
        List<String> got = AnnexB.split(hex(c.stream)).stream().map(n -> hex(n.toByteArray())).toList();
        assertEquals(c.nals.stream().map(n -> hex(hex(n))).toList(), got);
    }

    @Test
    void joinWritesFourByteStartCodesAndSplitUndoesIt() {
        List<byte[]> nals = List.of(hex("67 42 c0 1f"), hex("68 ce 3c 80"), hex("65 88 84 00 03 21"));
        byte[] stream = AnnexB.join(nals);
        assertArrayEquals(hex("00 00 00 01 67 42 c0 1f | 00 00 00 01 68 ce 3c 80 | 00 00 00 01 65 88 84 00 03 21"), stream);
        List<AnnexB.NalUnit> split = AnnexB.split(stream);
        assertEquals(3, split.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(nals.get(i), split.get(i).toByteArray());
        }
        assertEquals(H264Nal.IDR, split.get(2).type());
    }
}
