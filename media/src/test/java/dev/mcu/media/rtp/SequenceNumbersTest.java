package dev.mcu.media.rtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceNumbersTest {
    @Test
    void everyNumberIsOlderThanItsSuccessorsAllAroundTheCircle() {
        int[] steps = {1, 2, 100, 3000, 32767};
        for (int a = 0; a < SequenceNumbers.MODULUS; a++) {
            assertFalse(SequenceNumbers.isNewer(a, a));
            assertEquals(0, SequenceNumbers.diff(a, a));
            assertEquals((a + 1) & 0xffff, SequenceNumbers.next(a));
            for (int k : steps) {
                int b = (a + k) & 0xffff;
                assertTrue(SequenceNumbers.isNewer(b, a));
                assertFalse(SequenceNumbers.isNewer(a, b));
                assertEquals(k, SequenceNumbers.diff(b, a));
                assertEquals(-k, SequenceNumbers.diff(a, b));
            }
        }
    }

    @Test
    void halfACircleApartIsNewerInNeitherDirection() {
        assertFalse(SequenceNumbers.isNewer(32768, 0));
        assertFalse(SequenceNumbers.isNewer(0, 32768));
    }

    @Test
    void unwrapperCountsUpThroughThreeWraps() {
        SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        int first = 65_000;
        for (long i = 0; i < 3L * SequenceNumbers.MODULUS; i++) {
            assertEquals(first + i, unwrapper.unwrap((int) ((first + i) & 0xffff)));
        }
        assertEquals(first + 3L * SequenceNumbers.MODULUS - 1, unwrapper.highest());
        assertEquals(3, unwrapper.cycles());
    }

    record Case(String name, int[] arrivals, long[] expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> reorderedArrivals() {
        return Stream.of(
                new Case("reordered across the wrap", new int[]{65534, 1, 65535, 0, 2},
                        new long[]{65534, 65537, 65535, 65536, 65538}),
                new Case("late packet from before the wrap", new int[]{65535, 0, 1, 65533},
                        new long[]{65535, 65536, 65537, 65533}),
                new Case("packet older than the first one goes negative", new int[]{0, 65535},
                        new long[]{0, -1}),
                new Case("forward jump of almost half a circle", new int[]{10, 32777, 11},
                        new long[]{10, 32777, 11}));
    }

    @ParameterizedTest
    @MethodSource("reorderedArrivals")
    void unwrapperPutsEachPacketOnTheNearestCycle(Case c) {
        SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        long[] got = new long[c.arrivals.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = unwrapper.unwrap(c.arrivals[i]);
        }
        assertArrayEquals(c.expected, got);
    }

    @Test
    void peekDoesNotMoveTheUnwrapper() {
        SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        unwrapper.unwrap(65535);
        assertEquals(65536, unwrapper.peek(0));
        assertEquals(65535, unwrapper.highest());
        assertEquals(0, unwrapper.cycles());
        unwrapper.reset();
        assertEquals(-1, unwrapper.highest());
        assertEquals(5, unwrapper.unwrap(5));
    }
}
