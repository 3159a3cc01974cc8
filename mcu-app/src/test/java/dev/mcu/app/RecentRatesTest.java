package dev.mcu.app;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rate window an operator reads: a steady sender shows what it sends, a sender that stopped
 * shows 0 once the window has passed, a newcomer shows its rate since the join, and a counter that
 * starts again at 0 (a re-INVITE's new decoder) is not a negative or huge rate. Time is handed in.
 */
class RecentRatesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long JOINED = 7 * SECOND;   // any nanoTime origin

    /** A sender at 25 fps and 500 kbit/s in (62,500 bytes a second), 1,000 kbit/s out, sampled each second. */
    private static void steady(RecentRates rates, int fromSecond, int toSecond, long[] counters) {
        for (int s = fromSecond; s <= toSecond; s++) {
            counters[0] += 25;
            counters[1] += 62_500;
            counters[2] += 125_000;
            rates.sample(JOINED + s * SECOND, counters[0], counters[1], counters[2]);
        }
    }

    @Test
    void aSteadySenderShowsWhatItSendsNow() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 60, counters);
        assertEquals(new RecentRates.Rates(25, 500, 1000),
                rates.at(JOINED + 60 * SECOND, counters[0], counters[1], counters[2]));
    }

    @Test
    void aSenderThatStoppedShowsZeroAfterTheWindowThoughItsAverageSinceJoinIsHigh() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 60, counters);
        for (int s = 61; s <= 70; s++) {      // video stops; nothing more comes in, we still send
            counters[2] += 125_000;
            rates.sample(JOINED + s * SECOND, counters[0], counters[1], counters[2]);
        }
        RecentRates.Rates now = rates.at(JOINED + 70 * SECOND, counters[0], counters[1], counters[2]);
        assertEquals(new RecentRates.Rates(0, 0, 1000), now);
        assertEquals(21.4, Math.round(counters[0] / 70.0 * 10) / 10.0, "what the since-join average would show");
    }

    @Test
    void halfwayThroughTheWindowTheRateIsFalling() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 60, counters);
        for (int s = 61; s <= 62; s++) {
            rates.sample(JOINED + s * SECOND, counters[0], counters[1], counters[2]);
        }
        // The window's oldest sample is at 57 s: 3 of its 5 seconds had 25 fps.
        assertEquals(15.0, rates.at(JOINED + 62 * SECOND, counters[0], counters[1], counters[2]).fps());
    }

    @Test
    void aParticipantYoungerThanTheWindowShowsItsRateSinceTheJoin() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 2, counters);
        // Read half a second after the last sample, with 12 more frames counted by then.
        RecentRates.Rates young = rates.at(JOINED + 2 * SECOND + SECOND / 2, counters[0] + 12, counters[1], counters[2]);
        assertEquals(Math.round(62 / 2.5 * 10) / 10.0, young.fps());
        assertEquals(Math.round(125_000 * 8 / 1000.0 / 2.5), young.kbpsIn());
    }

    @Test
    void aPollOnceAnHourStillGetsTheLastWindow() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 3600, counters);
        // Read a third of a second after the last sample, 8 frames later.
        assertEquals(25.0, rates.at(JOINED + 3600 * SECOND + SECOND / 3, counters[0] + 8, counters[1], counters[2]).fps(),
                0.5);
    }

    @Test
    void aCounterThatStartsAgainAtZeroCountsItsNewValueAsGrowth() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 30, counters);
        // A re-INVITE replaces the decoder and the transport: the counters start again at 0 and grow as before.
        long[] fresh = new long[3];
        steady(rates, 31, 40, fresh);
        assertEquals(new RecentRates.Rates(25, 500, 1000), rates.at(JOINED + 40 * SECOND, fresh[0], fresh[1], fresh[2]));
    }

    @Test
    void picturesTheSamplerCouldNotReadAreNeitherAResetNorASpike() {
        RecentRates rates = new RecentRates(JOINED);
        steady(rates, 1, 20, new long[3]);     // 500 pictures, 1,250,000 bytes in, 2,500,000 out by 20 s
        // At 21 s the room did not list the participant (between a re-INVITE's leave and add); bytes went on.
        rates.sample(JOINED + 21 * SECOND, RecentRates.UNKNOWN, 1_312_500, 2_625_000);
        rates.sample(JOINED + 22 * SECOND, 550, 1_375_000, 2_750_000);
        assertEquals(new RecentRates.Rates(25, 500, 1000), rates.at(JOINED + 22 * SECOND, 550, 1_375_000, 2_750_000));
    }

    @Test
    void countersReadJustBeforeTheNewestSampleAreNotAReset() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 20, counters);
        // The HTTP handler read its snapshot a moment before the timer took the 20 s sample.
        RecentRates.Rates read = rates.at(JOINED + 20 * SECOND, counters[0] - 1, counters[1] - 100, counters[2] - 100);
        assertEquals(25.0, read.fps());
        assertEquals(500, read.kbpsIn());
    }

    @Test
    void samplesTakenTooCloseTogetherDoNotPushTheWindowOut() {
        RecentRates rates = new RecentRates(JOINED);
        long[] counters = new long[3];
        steady(rates, 1, 10, counters);
        for (int i = 1; i <= 50; i++) {        // a timer that bunched its runs: 50 samples in 5 ms
            rates.sample(JOINED + 10 * SECOND + i * 100_000L, counters[0], counters[1], counters[2]);
        }
        assertEquals(25.0, rates.at(JOINED + 10 * SECOND, counters[0], counters[1], counters[2]).fps());
    }

    @Test
    void nothingSentShowsZeroAndReadingAtTheJoinDividesByNothing() {
        RecentRates rates = new RecentRates(JOINED);
        assertEquals(RecentRates.Rates.NONE, rates.at(JOINED, 0, 0, 0));
        rates.sample(JOINED + SECOND, 0, 0, 0);
        assertEquals(RecentRates.Rates.NONE, rates.at(JOINED + 2 * SECOND, 0, 0, 0));
    }
}
