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

    @Test
    void samplesComeOutInOrderAcrossTheRingsWrapAndAfterAnOverflowIntoAPartlyFullRing() {
        PcmPlayoutBuffer buffer = new PcmPlayoutBuffer(4, 10);
        short[] out = new short[4];
        int next = 0;
        for (int round = 0; round < 7; round++) { // 7 x 4 samples through a ring of 10: it wraps twice
            buffer.write(ramp(round * 4, 4), 0, 4);
            if (buffer.read(out)) {
                assertArrayEquals(ramp(next, 4), out, "round " + round);
                next += 4;
            }
        }
        assertEquals(28, next, "every sample came out");
        buffer.write(ramp(next, 4), 0, 4);
        buffer.write(ramp(1000, 9), 0, 9);         // 4 queued + 9 into 10: the 3 oldest go
        assertEquals(3, buffer.samplesDropped());
        assertEquals(10, buffer.buffered());
        short[] all = new short[10];
        assertTrue(buffer.read(all));
        short[] expected = new short[10];
        System.arraycopy(ramp(next + 3, 1), 0, expected, 0, 1);
        System.arraycopy(ramp(1000, 9), 0, expected, 1, 9);
        assertArrayEquals(expected, all);
    }

    @Test
    void delayLeftOverFromAStalledReaderDrainsBackToWhatASteadyStreamHas() {
        PcmPlayoutBuffer buffer = PcmPlayoutBuffer.forVoice();
        short[] frame = new short[960];
        short[] out = new short[960];
        for (int round = 0; round < 50; round++) { // a steady stream: one 20 ms packet in, one frame out
            buffer.write(frame, 0, frame.length);
            buffer.read(out);
        }
        int steady = buffer.buffered();
        assertEquals(960, steady, "a steady stream keeps 20 ms queued after each read");
        for (int missed = 0; missed < 9; missed++) { // the audio lane stalls 180 ms and skips those rounds
            buffer.write(frame, 0, frame.length);
        }
        int worstLateInSecondSecond = 0;
        for (int round = 0; round < 100; round++) {
            buffer.write(frame, 0, frame.length);
            assertTrue(buffer.read(out), "round " + round);
            if (round >= 50) {
                worstLateInSecondSecond = Math.max(worstLateInSecondSecond, buffer.buffered());
            }
        }
        assertEquals(steady, worstLateInSecondSecond, "queued after a read, from a second after the stall on");
        assertEquals(1, buffer.standingDelayTrims());
    }

    @Test
    void jitterThatComesAndGoesKeepsItsHeadroom() {
        PcmPlayoutBuffer buffer = PcmPlayoutBuffer.forVoice();
        short[] frame = new short[960];
        short[] out = new short[960];
        for (int round = 0; round < 500; round++) { // every 4th packet a round late, arriving with the next
            if (round % 4 != 1) {
                buffer.write(frame, 0, frame.length);
            }
            if (round % 4 == 2) {
                buffer.write(frame, 0, frame.length);
            }
            boolean played = buffer.read(out);
            assertTrue(played || round < 2, "round " + round);
        }
        assertEquals(0, buffer.samplesDropped(), "nothing skipped");
        assertEquals(0, buffer.standingDelayTrims());
        assertEquals(0, buffer.underruns());
    }
}
