package dev.mcu.media.rtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitterBufferTest {
    private static RtpPacket seq(int sequenceNumber) {
        return TestPackets.packet(sequenceNumber, 1000, false, new byte[]{1});
    }

    private static void insert(JitterBuffer buffer, long now, int... sequenceNumbers) {
        for (int s : sequenceNumbers) {
            buffer.insert(seq(s), now);
        }
    }

    private static List<Integer> drain(JitterBuffer buffer, long now) {
        List<Integer> out = new ArrayList<>();
        for (RtpPacket p = buffer.poll(now); p != null; p = buffer.poll(now)) {
            out.add(p.sequenceNumber());
        }
        return out;
    }

    @Test
    void packetsInOrderLeaveImmediately() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 1, 2, 3);
        assertEquals(List.of(1, 2, 3), drain(buffer, 0));
        assertEquals(0, buffer.size());
        assertEquals(3, buffer.received());
        assertEquals(3, buffer.released());
        assertFalse(buffer.lossSinceLastCheck());
    }

    @Test
    void reorderedPacketsComeOutInSequenceOrder() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        List<Integer> out = new ArrayList<>();
        for (int s : new int[]{1, 3, 2, 6, 5, 4}) {
            buffer.insert(seq(s), 0);
            out.addAll(drain(buffer, 0));
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6), out);
        assertEquals(0, buffer.lost());
    }

    @Test
    void aDuplicateOfAHeldPacketIsCountedAndDropped() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 1, 3, 3);
        assertEquals(1, buffer.duplicates());
        insert(buffer, 0, 2);
        assertEquals(List.of(1, 2, 3), drain(buffer, 0));
    }

    @Test
    void aPacketWhoseTurnHasPassedIsCountedLate() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 1, 2, 3);
        drain(buffer, 0);
        insert(buffer, 0, 2);
        assertEquals(1, buffer.late());
        assertEquals(List.of(), drain(buffer, 0));
    }

    @Test
    void aGapIsLostOnceMoreThanTheReorderWindowHasPassedIt() {
        JitterBuffer buffer = new JitterBuffer(16, 5, 1_000);
        insert(buffer, 0, 1);
        assertEquals(List.of(1), drain(buffer, 0));
        insert(buffer, 0, 3, 4, 5, 6, 7);
        assertEquals(List.of(), drain(buffer, 0), "7 - 2 = 5 is still inside the window");
        insert(buffer, 0, 8);
        assertEquals(List.of(3, 4, 5, 6, 7, 8), drain(buffer, 0));
        assertEquals(1, buffer.lost());
        assertTrue(buffer.lossSinceLastCheck());
        assertFalse(buffer.lossSinceLastCheck(), "the flag clears when read");
        insert(buffer, 0, 2);
        assertEquals(1, buffer.late(), "the lost packet arriving after all is late");
    }

    @Test
    void aGapIsLostWhenThePacketsBehindItHaveWaitedMaxDelay() {
        JitterBuffer buffer = new JitterBuffer(64, 50, 100);
        insert(buffer, 1_000, 1);
        drain(buffer, 1_000);
        assertEquals(Long.MAX_VALUE, buffer.nextDeadlineMillis());
        insert(buffer, 1_010, 4);
        insert(buffer, 1_020, 5);
        assertEquals(1_110, buffer.nextDeadlineMillis());
        assertNull(buffer.poll(1_109));
        assertEquals(List.of(4, 5), drain(buffer, 1_110));
        assertEquals(2, buffer.lost(), "2 and 3 given up together");
        assertTrue(buffer.lossSinceLastCheck());
    }

    @Test
    void aGapThatFillsInTimeLosesNothing() {
        JitterBuffer buffer = new JitterBuffer(64, 50, 100);
        insert(buffer, 0, 1, 3);
        assertEquals(List.of(1), drain(buffer, 50));
        insert(buffer, 60, 2);
        assertEquals(List.of(2, 3), drain(buffer, 60));
        assertEquals(0, buffer.lost());
        assertFalse(buffer.lossSinceLastCheck());
    }

    @Test
    void aFullBufferDropsItsOldestPackets() {
        JitterBuffer buffer = new JitterBuffer(8, 6, 1_000);
        insert(buffer, 0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertEquals(8, buffer.size());
        insert(buffer, 0, 9, 10);
        assertEquals(2, buffer.overflowDropped());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10), drain(buffer, 0));
        assertTrue(buffer.lossSinceLastCheck());
    }

    @Test
    void aJumpBeyondTheRingDropsEverythingHeldAndCountsTheSkippedNumbersLost() {
        JitterBuffer buffer = new JitterBuffer(8, 6, 1_000);
        insert(buffer, 0, 1, 3);
        insert(buffer, 0, 1_001);
        assertEquals(2, buffer.overflowDropped(), "1 and 3 were held");
        assertEquals(List.of(), drain(buffer, 0), "995..1000 may still come, within the ring");
        assertEquals(List.of(1_001), drain(buffer, 1_000));
        assertEquals(1_001 - 1 - 2, buffer.lost(), "every number between 1 and 1001 except the two held");
    }

    @ParameterizedTest
    @ValueSource(ints = {65_500, 65_530, 65_535, 0, 100})
    void shuffledPacketsAroundTheWrapComeOutInOrderWithNothingLost(int first) {
        JitterBuffer buffer = JitterBuffer.forVideo();
        Random random = new Random(first);
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add((first + i) & 0xffff);
        }
        List<Integer> arrivals = new ArrayList<>(sent);
        for (int block = 1; block < arrivals.size(); block += 8) { // shuffle within blocks of 8, keeping 'first' first
            Collections.shuffle(arrivals.subList(block, Math.min(block + 8, arrivals.size())), random);
        }
        List<Integer> out = new ArrayList<>();
        for (int s : arrivals) {
            buffer.insert(seq(s), 0);
            out.addAll(drain(buffer, 0));
        }
        assertEquals(sent, out);
        assertEquals(0, buffer.lost());
        assertEquals(0, buffer.late());
    }

    @Test
    void twoSequentialPacketsFarAwayMeanTheSenderRestarted() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 100, 101, 102);
        drain(buffer, 0);
        insert(buffer, 0, 40_000);
        assertEquals(List.of(), drain(buffer, 0), "one far packet alone is not trusted");
        insert(buffer, 0, 40_001, 40_002);
        assertEquals(List.of(40_000, 40_001, 40_002), drain(buffer, 0));
        assertEquals(1, buffer.resyncs());
        assertTrue(buffer.lossSinceLastCheck());
    }

    @Test
    void aSingleStrayPacketFarAwayIsIgnored() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 100, 50_000, 101);
        assertEquals(List.of(100, 101), drain(buffer, 0));
        assertEquals(0, buffer.resyncs());
        assertEquals(1, buffer.late());
    }

    @Test
    void aPacketFarBehindIsNotPlacedEvenIfTheRingCouldHoldIt() {
        JitterBuffer buffer = JitterBuffer.forVideo();
        insert(buffer, 0, 1_000, 1_001);
        insert(buffer, 0, 1_000 - JitterBuffer.MAX_MISORDER - 10, 1_002);
        assertEquals(List.of(1_000, 1_001, 1_002), drain(buffer, 0));
        assertEquals(1, buffer.late());
    }

    @Test
    void resetForgetsTheStream() {
        JitterBuffer buffer = JitterBuffer.forAudio();
        insert(buffer, 0, 10, 12);
        buffer.reset();
        assertEquals(0, buffer.size());
        insert(buffer, 0, 5, 6);
        assertEquals(List.of(5, 6), drain(buffer, 0));
    }

    @Test
    void aWindowAsLargeAsTheCapacityIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer(8, 8, 10));
    }
}
