package dev.mcu.conference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerChoiceTest {
    private static final int[] LADDER = {1500, 500, 150};
    private static final int NO_REPORT = -1;

    /** The same report twice in a row (a move down needs two checks). */
    private static int twice(int current, long estimateBps, long sentKbps, int loss) {
        LayerChoice choice = new LayerChoice();
        int first = choice.choose(current, 0, LADDER, estimateBps, sentKbps, loss);
        return choice.choose(first, 0, LADDER, estimateBps, sentKbps, loss);
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
        assertEquals(expected, twice(current, estimateBps, sentKbps, loss));
    }

    @Test
    void oneCongestedCheckIsNotEnough() {
        LayerChoice choice = new LayerChoice();
        assertEquals(0, choice.choose(0, 0, LADDER, 300_000, 1200, 0));
        assertEquals(0, choice.choose(0, 0, LADDER, 1_800_000, 1200, 0), "the estimate recovered");
        assertEquals(0, choice.choose(0, 0, LADDER, 300_000, 1200, 0), "the count starts again");
        assertEquals(2, choice.choose(0, 0, LADDER, 300_000, 1200, 0));
    }

    @Test
    void highLossStepsOneLayerDownAtOnceButNeverBelowTheLowest() {
        assertEquals(1, new LayerChoice().choose(0, 0, LADDER, 0, 1200, 40));
        assertEquals(2, new LayerChoice().choose(2, 0, LADDER, 0, 100, 40));
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

    @Test
    void afterAStepDownOneLossReportDoesNotCountTwice() {
        LayerChoice choice = new LayerChoice();
        assertEquals(1, choice.choose(0, 0, LADDER, 0, 1200, 40));
        assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, 40), "the same report read again: hold");
        assertEquals(1, choice.choose(1, 0, LADDER, 0, 400, 40), "hold");
        assertEquals(2, choice.choose(1, 0, LADDER, 0, 400, 40), "still losing after the hold: down again");
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
        LayerChoice choice = new LayerChoice();
        assertEquals(1, choice.choose(1, 1, LADDER, 100_000, 450, 0));
        assertEquals(2, choice.choose(1, 1, LADDER, 100_000, 450, 0));
        assertEquals(2, new LayerChoice().choose(1, 1, LADDER, 0, 450, 40), "loss too");
    }

    @Test
    void aReceiverAboveANewCapGoesDownAtOnce() {
        assertEquals(2, new LayerChoice().choose(0, 2, LADDER, 5_000_000, 1200, 0));
    }
}
