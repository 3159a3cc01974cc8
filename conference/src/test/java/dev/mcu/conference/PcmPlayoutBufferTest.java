package dev.mcu.conference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcmPlayoutBufferTest {
    private static short[] ramp(int from, int count) {
        short[] s = new short[count];
        for (int i = 0; i < count; i++) {
            s[i] = (short) (from + i);
        }
        return s;
    }

    @Test
    void itStaysSilentUntilThePlayoutDelayIsBufferedThenPlaysInOrder() {
        PcmPlayoutBuffer buffer = new PcmPlayoutBuffer(8, 16);
        short[] out = new short[4];
        buffer.write(ramp(0, 4), 0, 4);
        assertFalse(buffer.read(out));
        buffer.write(ramp(4, 4), 0, 4);
        assertTrue(buffer.read(out));
        assertArrayEquals(ramp(0, 4), out);
        assertTrue(buffer.read(out));
        assertArrayEquals(ramp(4, 4), out);
    }

    @Test
    void runningDryCountsAnUnderrunAndPrimesAgain() {
        PcmPlayoutBuffer buffer = new PcmPlayoutBuffer(4, 16);
        short[] out = new short[4];
        buffer.write(ramp(0, 6), 0, 6);
        assertTrue(buffer.read(out));
        assertFalse(buffer.read(out));
        assertEquals(1, buffer.underruns());
        buffer.write(ramp(6, 2), 0, 2);
        assertTrue(buffer.read(out));
        assertArrayEquals(ramp(4, 4), out);
    }

    @Test
    void aSenderRunningFastLosesItsOldestSamplesNotItsNewest() {
        PcmPlayoutBuffer buffer = new PcmPlayoutBuffer(4, 8);
        buffer.write(ramp(0, 12), 0, 12);
        assertEquals(4, buffer.samplesDropped());
        short[] out = new short[8];
        assertTrue(buffer.read(out));
        assertArrayEquals(ramp(4, 8), out);
    }

    @Test
    void aBurstIsTrimmedBackToThePlayoutDelaySoLatencyDoesNotCreepUp() {
        PcmPlayoutBuffer buffer = new PcmPlayoutBuffer(4, 64);
        short[] out = new short[4];
        buffer.write(ramp(0, 40), 0, 40); // a 10-frame burst after a network stall
        int reads = 0;
        while (buffer.buffered() > 4 + 4 && reads < 20) {
            assertTrue(buffer.read(out));
            reads++;
        }
        assertTrue(reads <= 5, "settled after " + reads + " reads");
        assertTrue(buffer.buffered() <= 8, "still " + buffer.buffered() + " samples queued");
        assertTrue(buffer.samplesDropped() > 0);
    }
}
