package dev.mcu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void everyIndexIsAcceptedOnceAndTheWindowIsSixtyFourWide() {
        ReplayWindow window = new ReplayWindow();
        window.accept(1000);

        assertTrue(window.isReplayOrTooOld(1000));
        for (long index = 937; index < 1000; index++) {
            assertFalse(window.isReplayOrTooOld(index), "index " + index + " is inside and unseen");
        }
        assertTrue(window.isReplayOrTooOld(936), "64 behind the highest");
        assertFalse(window.isReplayOrTooOld(1001));
    }

    @Test
    void aBigJumpForgetsTheOldBits() {
        ReplayWindow window = new ReplayWindow();
        window.accept(10);
        window.accept(11);
        window.accept(500);

        assertTrue(window.isReplayOrTooOld(500));
        assertFalse(window.isReplayOrTooOld(499));
        assertTrue(window.isReplayOrTooOld(11));
    }

    @Test
    void theRtpIndexTrackerSweepsTheWholeSequenceSpaceTwice() {
        RtpIndexTracker tracker = new RtpIndexTracker();
        long expected = 40_000;
        for (int i = 0; i < 2 * 65_536; i++, expected++) {
            int seq = (int) (expected & 0xffff);
            long index = tracker.guess(seq);
            assertEquals(expected, index, "seq " + seq);
            tracker.update(index);
        }
        assertEquals(2, tracker.rolloverCounter());
    }

    @Test
    void aLateSequenceNumberFromBeforeTheFirstRolloverHasNoIndex() {
        RtpIndexTracker tracker = new RtpIndexTracker();
        tracker.update(tracker.guess(5));

        assertEquals(-1, tracker.guess(65_530));
    }
}
