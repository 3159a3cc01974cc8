package dev.mcu.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProfileBitrateTest {
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
        assertEquals(expected, bitrate.update(new long[] {a, b}, 2));
    }

    @Test
    void theRateComesBackUpWhenTheCongestionClears() {
        ProfileBitrate bitrate = new ProfileBitrate(1500, 150);
        assertEquals(450, bitrate.update(new long[] {500_000}, 1));
        assertEquals(-1, bitrate.update(new long[] {520_000}, 1));
        assertEquals(1500, bitrate.update(new long[] {0}, 1));
        assertEquals(1500, bitrate.currentKbps());
    }
}
