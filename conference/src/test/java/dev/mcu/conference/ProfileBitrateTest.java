package dev.mcu.conference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileBitrateTest {
    private static final int[] NO_REPORTS = {-1, -1};

    @ParameterizedTest(name = "receivers estimating {0} and {1} bit/s (0 = none) give {2} kbit/s")
    @CsvSource({
            "0,         0,         -1",    // phones send no REMB: keep the configured 1500
            "5000000,   0,         -1",    // plenty of room: the configured rate is the ceiling
            "800000,    5000000,   720",   // the slowest receiver sets the rate, with 10% headroom
            "50000,     3000000,   150",   // never below the floor
            "1600000,   0,         -1",    // 1440 is within 15% of 1500: not worth a keyframe
    })
    void theSlowestReceiverSetsTheRateBetweenTheFloorAndTheConfiguredRate(long a, long b, int expected) {
        ProfileBitrate bitrate = new ProfileBitrate(1500, 150);
        assertEquals(expected, bitrate.update(new long[] {a, b}, NO_REPORTS, 2));
    }

    @Test
    void theRateComesBackUpWhenTheCongestionClears() {
        ProfileBitrate bitrate = new ProfileBitrate(1500, 150);
        assertEquals(450, bitrate.update(new long[] {500_000}, new int[] {-1}, 1));
        assertEquals(-1, bitrate.update(new long[] {520_000}, new int[] {-1}, 1));
        assertEquals(1500, bitrate.update(new long[] {0}, new int[] {-1}, 1));
        assertEquals(1500, bitrate.currentKbps());
    }

    @Test
    void aReceiverLosingAFifthOfThePacketsHalvesTheLossThenTheRateRecoversStepByStep() {
        ProfileBitrate bitrate = new ProfileBitrate(1500, 150);
        int twentyPercent = 51;
        assertEquals(-1, bitrate.update(new long[] {0, 0}, new int[] {0, twentyPercent}, 2), "-10%: held back");
        assertEquals(1216, bitrate.update(new long[] {0, 0}, new int[] {0, twentyPercent}, 2), "-19%: applied");
        assertEquals(-1, bitrate.update(new long[] {0, 0}, new int[] {0, 13}, 2), "5% loss: hold");
        int rate = bitrate.currentKbps();
        int checks = 0;
        while (bitrate.currentKbps() < 1500 && checks < 20) {
            bitrate.update(new long[] {0, 0}, new int[] {0, 0}, 2);
            checks++;
        }
        assertEquals(1500, bitrate.currentKbps(), "back to the configured rate once the loss is gone");
        assertTrue(checks >= 2, "recovery takes several checks, not one jump from " + rate);
    }

    @Test
    void lossAndRembTogetherTakeTheLowerAndNeverGoBelowTheFloor() {
        ProfileBitrate bitrate = new ProfileBitrate(1500, 300);
        assertEquals(900, bitrate.update(new long[] {1_000_000}, new int[] {60}, 1));
        for (int i = 0; i < 10; i++) {
            bitrate.update(new long[] {1_000_000}, new int[] {200}, 1);
        }
        assertEquals(300, bitrate.currentKbps());
    }
}
