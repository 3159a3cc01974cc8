package dev.mcu.media.rtcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiveStatisticsTest {
    private static final int TICKS = 160;
    private final ReceiveStatistics stats = new ReceiveStatistics(0xabcL);

    /** Packets of seq [from, to) sent and received exactly every 20 ms: no jitter. */
    private void receive(int from, int to) {
        for (int seq = from; seq < to; seq++) {
            stats.onRtp(seq & 0xffff, (long) seq * TICKS, 1000 + (long) seq * TICKS);
        }
    }

    @Test
    void packetsInOrderLoseNothing() {
        receive(0, 100);
        ReportBlock block = stats.reportBlock(0);
        assertEquals(0, block.cumulativeLost());
        assertEquals(0, block.fractionLost());
        assertEquals(99, block.extendedHighestSequence());
        assertEquals(0, block.jitter());
        assertEquals(0xabcL, block.ssrc());
    }

    @Test
    void aGapCountsAsLostAndAsAFractionOfTheInterval() {
        receive(0, 10);
        receive(20, 30);
        ReportBlock block = stats.reportBlock(0);
        assertEquals(10, block.cumulativeLost());
        assertEquals(10 * 256 / 30, block.fractionLost());
    }

    @Test
    void theFractionCoversOnlyTheTimeSinceThePreviousReport() {
        receive(0, 10);
        receive(20, 30);
        stats.reportBlock(0);
        receive(30, 60);
        ReportBlock second = stats.reportBlock(0);
        assertEquals(0, second.fractionLost());
        assertEquals(10, second.cumulativeLost());
    }

    @Test
    void theSequenceWrapAddsACycle() {
        receive(65530, 65540);
        assertEquals(65536 + 3, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
    }

    @Test
    void duplicatesMakeTheLossNegative() {
        receive(0, 10);
        receive(9, 10);
        assertEquals(-1, stats.reportBlock(0).cumulativeLost());
    }

    @Test
    void aLateReorderedPacketDoesNotMoveTheHighestSequence() {
        receive(0, 10);
        receive(12, 13);
        receive(10, 12);
        assertEquals(12, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
    }

    @Test
    void oneBigJumpIsIgnoredButTwoInARowRestartTheSource() {
        receive(0, 10);
        assertFalse(stats.onRtp(30_000, 0, 0));
        assertEquals(9, stats.extendedHighestSequence());
        assertTrue(stats.onRtp(30_001, 160, 160));
        assertEquals(30_001, stats.extendedHighestSequence());
        assertEquals(0, stats.cumulativeLost());
    }

    @Test
    void arrivalsAlternatelyEarlyAndLateConvergeToThatJitter() {
        for (int seq = 0; seq < 500; seq++) {
            long late = (seq % 2 == 0) ? 0 : 2 * TICKS;
            stats.onRtp(seq, (long) seq * TICKS, (long) seq * TICKS + late);
        }
        // |D| is 2*TICKS every packet, and J converges to |D|
        assertTrue(stats.jitter() > 2 * TICKS - 20 && stats.jitter() <= 2 * TICKS, "jitter " + stats.jitter());
    }

    @Test
    void theReportCarriesTheLastSenderReportAndTheDelaySinceIt() {
        receive(0, 3);
        long ntp = 0xda8bd1fc_dddda05aL;
        stats.onSenderReport(ntp, 1_000_000_000L);
        ReportBlock block = stats.reportBlock(2_500_000_000L);
        assertEquals(0xd1fcddddL, block.lastSr());
        assertEquals(65536 * 3 / 2, block.delaySinceLastSr());
    }

    @Test
    void withoutASenderReportLsrAndDlsrAreZero() {
        receive(0, 3);
        ReportBlock block = stats.reportBlock(5_000_000_000L);
        assertEquals(0, block.lastSr());
        assertEquals(0, block.delaySinceLastSr());
    }

    @Test
    void lateAndDuplicatePacketsAreCountedAsReordered() {
        ReceiveStatistics stats = new ReceiveStatistics(0xabc);
        for (int seq : new int[]{1, 2, 4, 3, 5, 5, 6}) { // 3 arrives after 4; 5 twice
            stats.onRtp(seq, seq * 160L, seq * 160L);
        }

        assertEquals(2, stats.reordered());
        assertEquals(0, stats.cumulativeLost() + 1, "the duplicate makes the loss -1 (RFC 3550 A.3)");
    }
}
