package dev.mcu.conference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerChoiceTest {
    private static final int[] LADDER = {1500, 500, 150};
    private static final int NO_REPORT = -1;

    /** The same report, check after check, for as long as a move down on a low estimate waits. */
    private static int sustained(int current, long estimateBps, long sentKbps, int loss) {
        LayerChoice choice = new LayerChoice();
        int layer = current;
        for (int i = 0; i < LayerChoice.DOWN_AFTER_LOW_CHECKS; i++) {
            layer = choice.choose(layer, 0, LADDER, estimateBps, sentKbps, loss);
        }
        return layer;
    }

    @ParameterizedTest(name = "on layer {0}, estimate {1} bit/s, sent {2} kbit/s, loss {3}/256: layer {4}")
    @CsvSource({
            "0, 0,        1200, -1, 0",   // a phone sends no REMB and loses nothing: it stays on top
            "0, 300000,   1200, 0,  2",   // congested (estimate below what it got): the layer that fits 270 kbit/s
            "0, 600000,   1200, 0,  1",   // 540 kbit/s fits the 500 kbit/s layer
            "0, 100000,   1200, 0,  2",   // nothing fits: the lowest layer
            "0, 1100000,  1200, 0,  0",   // a little below what it got: the estimator's noise, not congestion
            "0, 800000,   1200, 0,  0",   // 0.67 of it: Chrome on a loaded server, still not congestion
            "0, 40000,    90,   0,  0",   // a still canvas: Chrome's estimate of a trickle says nothing
            "0, 300000,   80,   0,  0",   // nor does a low estimate while we send less than it
            "1, 200000,   400,  0,  2",   // congested on the middle layer: down to the one that fits
            "2, 50000,    140,  0,  2",   // already on the lowest
    })
    void aMoveDown(int current, long estimateBps, long sentKbps, int loss, int expected) {
        assertEquals(expected, sustained(current, estimateBps, sentKbps, loss));
    }

    @Test
    void anEstimateThatStaysLowForFourChecksMovesOnTheFourth() {
        LayerChoice choice = new LayerChoice();
        for (int i = 1; i < LayerChoice.DOWN_AFTER_LOW_CHECKS; i++) {
            assertEquals(0, choice.choose(0, 0, LADDER, 300_000, 1200, 0), "low for " + i + " s: not yet");
        }
        assertEquals(2, choice.choose(0, 0, LADDER, 300_000, 1200, 0), "a sustained fall: the layer that fits 270 kbit/s");
    }

    @Test
    void aOneSecondDipMovesNobody() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 30; i++) {
            // Chrome at a loaded server: 1.8 Mbit/s, and every third second a fall to 300 kbit/s
            long estimate = i % 3 == 2 ? 300_000 : 1_800_000;
            assertEquals(0, choice.choose(0, 0, LADDER, estimate, 1200, 0), "check " + i);
        }
    }

    @Test
    void aDipOfThreeSecondsMovesNobodyAndTheCountStartsAgainAfterIt() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 3; i++) {
            assertEquals(0, choice.choose(0, 0, LADDER, 580_000, 1200, 0));
        }
        assertEquals(0, choice.choose(0, 0, LADDER, 1_700_000, 1200, 0), "the estimate recovered");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, choice.choose(0, 0, LADDER, 580_000, 1200, 0), "the count started again");
        }
        assertEquals(1, choice.choose(0, 0, LADDER, 580_000, 1200, 0), "the fourth low check in a row: 522 kbit/s fits 500");
    }

    @Test
    void aLowEstimateThatKeepsClimbingMovesNobody() {
        // Chrome after starting low on a loaded server: 666 kbit/s of 1,200 and a little more each second
        LayerChoice choice = new LayerChoice();
        long estimate = 666_000;
        for (int i = 0; i < 20; i++) {
            assertEquals(0, choice.choose(0, 0, LADDER, estimate, 1200, 0), "check " + i + ", " + estimate + " bit/s");
            estimate += i % 3 == 0 ? 0 : 8_000; // REMB repeats its value between reports
        }
    }

    @Test
    void aLowEstimateThatStopsClimbingMovesFourChecksLater() {
        LayerChoice choice = new LayerChoice();
        long[] estimates = {400_000, 420_000, 440_000, 460_000, 480_000, 480_000, 470_000, 480_000};
        int layer = 0;
        int checks = 0;
        for (long estimate : estimates) {
            layer = choice.choose(layer, 0, LADDER, estimate, 1200, 0);
            checks++;
            if (layer != 0) {
                break;
            }
        }
        assertEquals(2, layer, "480 kbit/s with headroom fits only the 150 kbit/s layer");
        assertEquals(7, checks, "climbing for four checks, then held at 480 (not above it) for the next four");
    }

    @Test
    void theEstimateIsWeighedAgainstWhatTheLayerReallySendsOverSeveralSecondsNotItsBusiestSecond() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 20; i++) {
            // An encoder's bursts: 2.6 Mbit/s (a keyframe), then 0.6: 1.6 on average. 1.1 Mbit/s is below 0.6
            // of the busy seconds but not of the mean, so it is no congestion.
            long sent = i % 2 == 0 ? 2600 : 600;
            assertEquals(0, choice.choose(0, 0, LADDER, 1_100_000, sent, 0), "check " + i);
        }
        LayerChoice calm = new LayerChoice();
        for (int i = 0; i < 20; i++) {
            // A calm picture: the 1,500 kbit/s layer really sends 1,000. 700 kbit/s is below 0.6 of the layer's
            // configured rate, but not of what it sends: no congestion.
            assertEquals(0, calm.choose(0, 0, LADDER, 700_000, 1000, 0), "check " + i);
        }
        assertEquals(2, sustained(0, 500_000, 1000, 0), "500 kbit/s is below 0.6 of it: down to what 450 fits");
    }

    @Test
    void lossAboveTenPercentInTwoOfThreeChecksStepsOneLayerDown() {
        LayerChoice choice = new LayerChoice();
        assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 40), "one report of 16% loss: a burst, perhaps");
        assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 0));
        assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 0));
        assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 40), "the earlier one is three checks back");
        assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 0));
        assertEquals(1, choice.choose(0, 0, LADDER, 0, 1200, 40), "two of the last three: one layer down");
        LayerChoice lowest = new LayerChoice();
        lowest.choose(2, 0, LADDER, 0, 100, 40);
        assertEquals(2, lowest.choose(2, 0, LADDER, 0, 100, 40), "never below the lowest");
    }

    @Test
    void aQuarterOfThePacketsLostInOneReportStepsDownAtOnceWhenTheEstimateAgrees() {
        assertEquals(1, new LayerChoice().choose(0, 0, LADDER, 0, 1200, 212), "83% lost, no estimate yet (a policed link)");
        assertEquals(1, new LayerChoice().choose(0, 0, LADDER, 80_000, 1200, 212), "83% lost, and a low estimate");
        assertEquals(0, new LayerChoice().choose(0, 0, LADDER, 0, 1200, 64), "25% exactly: not yet");
        assertEquals(1, new LayerChoice().choose(0, 0, LADDER, 0, 1200, 65));
    }

    @Test
    void oneReportOfHeavyLossThatSomethingElseExplainsIsOnlyOneLossyCheck() {
        LayerChoice estimateSaysFine = new LayerChoice();
        assertEquals(0, estimateSaysFine.choose(0, 0, LADDER, 2_000_000, 1200, 77),
                "30% lost, but the estimate says the link carries it: a burst, perhaps");
        assertEquals(0, estimateSaysFine.choose(0, 0, LADDER, 2_000_000, 1200, 0));
        assertEquals(1, estimateSaysFine.choose(0, 0, LADDER, 2_000_000, 1200, 77), "a second one in 3 checks: down");

        LayerChoice serverStalled = new LayerChoice();
        assertEquals(0, serverStalled.choose(0, 0, LADDER, 0, 1200, 212, true),
                "83% lost just after this server dropped packets it could not send in time: ours, not the link's");
        assertEquals(1, serverStalled.choose(0, 0, LADDER, 0, 1200, 212, true), "lost again: down");
    }

    @Test
    void aOneLayerLadderNeverMoves() {
        assertEquals(0, new LayerChoice().choose(0, 0, new int[] {1500}, 100_000, 1200, 100));
    }

    @Test
    void goingUpTakesThreeGoodChecksInARowAndOneLayerAtATime() {
        LayerChoice choice = new LayerChoice();
        assertEquals(2, choice.choose(2, 0, LADDER, 5_000_000, 100, 0));
        assertEquals(2, choice.choose(2, 0, LADDER, 5_000_000, 100, 0));
        assertEquals(1, choice.choose(2, 0, LADDER, 5_000_000, 100, 0), "the third good check: one layer up");
        assertEquals(1, choice.choose(1, 0, LADDER, 5_000_000, 400, 0));
        assertEquals(1, choice.choose(1, 0, LADDER, 5_000_000, 400, 3), "a little loss is still good");
        assertEquals(0, choice.choose(1, 0, LADDER, 5_000_000, 400, 0));
    }

    @Test
    void aBadCheckInBetweenStartsTheCountAgain() {
        LayerChoice choice = new LayerChoice();
        choice.choose(1, 0, LADDER, 5_000_000, 400, 0);
        choice.choose(1, 0, LADDER, 5_000_000, 400, 0);
        assertEquals(1, choice.choose(1, 0, LADDER, 5_000_000, 400, 13), "5% loss: not good enough to go up");
        choice.choose(1, 0, LADDER, 5_000_000, 400, 0);
        choice.choose(1, 0, LADDER, 5_000_000, 400, 0);
        assertEquals(0, choice.choose(1, 0, LADDER, 5_000_000, 400, 0));
    }

    @Test
    void anEstimateThatOnlyJustFitsTheLayerAboveIsNotEnoughToGoUp() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 10; i++) {
            // 600 kbit/s: 540 with headroom fits 500, but not 500 x 1.25
            assertEquals(2, choice.choose(2, 0, LADDER, 600_000, 140, 0));
        }
    }

    @Test
    void aPhoneMovedDownByLossTriesTheLayerAboveAfterTenCleanReports() {
        LayerChoice choice = new LayerChoice();
        choice.choose(0, 0, LADDER, 0, 1200, 40);
        assertEquals(1, choice.choose(0, 0, LADDER, 0, 1200, 40));
        int layer = 1;
        int checks = 0;
        while (layer == 1 && checks < 30) {
            layer = choice.choose(layer, 0, LADDER, 0, 450, 0);
            checks++;
        }
        assertEquals(0, layer);
        assertEquals(12, checks, "two checks held after the step down, then ten without loss");
    }

    /** Checks until the choice leaves {@code layer}, feeding the same report each time (at most 400). */
    private static int checksOn(LayerChoice choice, int layer, long estimateBps, long sentKbps, int loss) {
        for (int checks = 1; checks <= 400; checks++) {
            if (choice.choose(layer, 0, LADDER, estimateBps, sentKbps, loss) != layer) {
                return checks;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void aBrowserWhoseEstimateSitsAtItsCeilingTriesTheLayerAboveAfterTwentyChecks() {
        LayerChoice choice = new LayerChoice();
        assertEquals(1, sustainedOn(choice, 0, 600_000, 1200), "congested: down to the 500 kbit/s layer");
        // The link is free again, but Chrome's estimate of a 450 kbit/s stream tops out near 1.5 times it:
        // 675 kbit/s never shows room for 1,500 with margin, so only a try can bring it back up.
        assertEquals(2 + LayerChoice.TRY_AT_CEILING_AFTER_CHECKS, checksOn(choice, 1, 675_000, 450, 0),
                "two checks held after the move, then twenty at the ceiling");
    }

    @Test
    void anEstimateBelowItsCeilingNeverTriesTheLayerAbove() {
        LayerChoice choice = new LayerChoice();
        assertEquals(1, sustainedOn(choice, 0, 600_000, 1200));
        // 1.1 times what it is sent: the estimator is still holding it back (a link near its capacity)
        assertEquals(Integer.MAX_VALUE, checksOn(choice, 1, 495_000, 450, 0));
    }

    @Test
    void aTryThatFailsDoublesTheWaitForTheNextAndOneThatHoldsResetsIt() {
        LayerChoice choice = new LayerChoice();
        choice.choose(0, 0, LADDER, 0, 1200, 40);
        assertEquals(1, choice.choose(0, 0, LADDER, 0, 1200, 40), "a phone losing packets: down");
        assertEquals(12, checksOn(choice, 1, 0, 450, 0), "held two, then ten clean reports: a try of the top");
        assertEquals(2, checksOn(choice, 0, 0, 1200, 40), "the link still cannot carry it: down again");
        assertEquals(22, checksOn(choice, 1, 0, 450, 0), "the next try waits twice as long");
        assertEquals(2, checksOn(choice, 0, 0, 1200, 40));
        assertEquals(42, checksOn(choice, 1, 0, 450, 0), "and twice again");
        // This try holds for its probation, so the wait goes back to ten.
        for (int i = 0; i < LayerChoice.TRIAL_CHECKS; i++) {
            assertEquals(0, choice.choose(0, 0, LADDER, 0, 1200, 0));
        }
        assertEquals(2, checksOn(choice, 0, 0, 1200, 40), "much later, a new congestion");
        assertEquals(12, checksOn(choice, 1, 0, 450, 0), "a held try reset the wait");
    }

    @Test
    void theWaitStopsDoublingAfterThreeFailedTries() {
        LayerChoice choice = new LayerChoice();
        choice.choose(0, 0, LADDER, 0, 1200, 40);
        choice.choose(0, 0, LADDER, 0, 1200, 40);
        int lastWait = 0;
        for (int i = 0; i < 6; i++) {
            lastWait = checksOn(choice, 1, 0, 450, 0);
            assertEquals(2, checksOn(choice, 0, 0, 1200, 40));
        }
        assertEquals(2 + (LayerChoice.UP_WITHOUT_ESTIMATE_AFTER_CHECKS << LayerChoice.MAX_FAILED_TRIES), lastWait);
    }

    /** Feeds a sustained low estimate on {@code layer} until the choice moves; the layer it moved to. */
    private static int sustainedOn(LayerChoice choice, int layer, long estimateBps, long sentKbps) {
        for (int i = 0; i < LayerChoice.DOWN_AFTER_LOW_CHECKS; i++) {
            int next = choice.choose(layer, 0, LADDER, estimateBps, sentKbps, 0);
            if (next != layer) {
                return next;
            }
        }
        return layer;
    }

    @Test
    void afterAStepDownOneLossReportDoesNotCountTwice() {
        LayerChoice choice = new LayerChoice();
        choice.choose(0, 0, LADDER, 0, 1200, 40);
        assertEquals(1, choice.choose(0, 0, LADDER, 0, 1200, 40));
        assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, 40), "the same report read again: hold");
        assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, 40), "hold");
        assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, 40), "losing after the hold: one report");
        assertEquals(2, choice.choose(1, 0, LADDER, 0, 400, 40), "two: down again");
    }

    @Test
    void noReportsAtAllKeepTheLayer() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 20; i++) {
            assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, NO_REPORT));
        }
    }

    @Test
    void aCappedReceiverNeverGoesAboveItsCapWhateverItsEstimate() {
        LayerChoice choice = new LayerChoice();
        for (int i = 0; i < 20; i++) {
            assertEquals(1, choice.choose(1, 1, LADDER, 50_000_000, 450, 0), "room for the top, but its SDP allows 1");
        }
        LayerChoice phone = new LayerChoice();
        for (int i = 0; i < 20; i++) {
            assertEquals(2, phone.choose(2, 2, LADDER, 0, 140, 0), "a phone without REMB does not try above its cap");
        }
    }

    @Test
    void aCappedReceiverStillMovesDownBelowItsCap() {
        assertEquals(2, sustainedOnCap(1, 100_000, 450, 0), "a low estimate");
        assertEquals(2, sustainedOnCap(1, 0, 450, 40), "loss too");
    }

    private static int sustainedOnCap(int cap, long estimateBps, long sentKbps, int loss) {
        LayerChoice choice = new LayerChoice();
        int layer = cap;
        for (int i = 0; i < LayerChoice.DOWN_AFTER_LOW_CHECKS; i++) {
            layer = choice.choose(layer, cap, LADDER, estimateBps, sentKbps, loss);
        }
        return layer;
    }

    @Test
    void aReceiverAboveANewCapGoesDownAtOnce() {
        assertEquals(2, new LayerChoice().choose(0, 2, LADDER, 5_000_000, 1200, 0));
    }
}
