package dev.mcu.media.rtcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GenericNackTest {

    /** @param entries FCI words as (PID << 16) | BLP */
    record Case(String name, List<Integer> lost, int[] entries, List<Integer> expanded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a single packet", List.of(100), new int[] {100 << 16}, List.of(100)),
                new Case("seventeen in a row fill one entry", range(100, 17),
                        new int[] {(100 << 16) | 0xffff}, range(100, 17)),
                new Case("the eighteenth needs a second entry", range(100, 18),
                        new int[] {(100 << 16) | 0xffff, 117 << 16}, range(100, 18)),
                new Case("gaps set single bits", List.of(7, 9, 23),
                        new int[] {(7 << 16) | 0b10 | (1 << 15)}, List.of(7, 9, 23)),
                new Case("the bitmask follows the wrap", List.of(65534, 65535, 0, 1),
                        new int[] {(65534 << 16) | 0b111}, List.of(65534, 65535, 0, 1)),
                new Case("the last bit reaches across the wrap", List.of(65535, 15),
                        new int[] {(65535 << 16) | 0x8000}, List.of(65535, 15)),
                new Case("duplicates are named once", List.of(5, 5, 6),
                        new int[] {(5 << 16) | 1}, List.of(5, 6)),
                new Case("a backwards jump starts a new entry", List.of(500, 20),
                        new int[] {500 << 16, 20 << 16}, List.of(500, 20)));
    }

    static List<Integer> range(int first, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add((first + i) & 0xffff);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lostSequenceNumbersPackIntoPidAndBlp(Case c) {
        assertArrayEquals(c.entries(), new GenericNack(1, 2, c.lost()).entries());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pidAndBlpExpandBackToTheSequenceNumbers(Case c) {
        byte[] wire = RtcpCompound.write(List.of(new GenericNack(1, 2, c.lost())));
        GenericNack parsed = GenericNack.parse(wire, 0, wire.length);
        assertEquals(c.expanded(), parsed.lostSequenceNumbers());
    }

    @Test
    void everyStartingPointRoundTripsAcrossTheWholeSequenceSpace() {
        for (int pid = 0; pid < 65536; pid += 7) {
            List<Integer> lost = List.of(pid, (pid + 3) & 0xffff, (pid + 16) & 0xffff, (pid + 17) & 0xffff);
            byte[] wire = RtcpCompound.write(List.of(new GenericNack(1, 2, lost)));
            assertEquals(12 + 2 * 4, wire.length, "pid " + pid);
            assertEquals(lost, GenericNack.parse(wire, 0, wire.length).lostSequenceNumbers(), "pid " + pid);
        }
    }

    /** Found by RtpRtcpFuzzTest: one datagram repeating an entry must not ask for each packet many times. */
    @Test
    void aNackThatRepeatsItsEntriesAsksForEachPacketOnce() {
        int entries = 300;
        byte[] wire = new byte[12 + 4 * entries];
        wire[0] = (byte) 0x81;
        wire[1] = (byte) 205;
        wire[2] = (byte) ((wire.length / 4 - 1) >>> 8);
        wire[3] = (byte) (wire.length / 4 - 1);
        for (int e = 0; e < entries; e++) {
            wire[12 + 4 * e] = 0;
            wire[13 + 4 * e] = 100;
            wire[14 + 4 * e] = (byte) 0xff;
            wire[15 + 4 * e] = (byte) 0xff;
        }
        assertEquals(range(100, 17), GenericNack.parse(wire, 0, wire.length).lostSequenceNumbers());
    }
}
