package dev.mcu.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyframeRequestLimiterTest {
    private final KeyframeRequestLimiter limiter = new KeyframeRequestLimiter(500);

    @Test
    void theFirstRequestPassesEvenAtTimeZeroOrNegative() {
        assertTrue(limiter.tryAcquire(-1_000_000));
    }

    @Test
    void oneRequestPassesPerInterval() {
        assertTrue(limiter.tryAcquire(1000));
        assertFalse(limiter.tryAcquire(1001));
        assertFalse(limiter.tryAcquire(1499));
        assertTrue(limiter.tryAcquire(1500));
        assertFalse(limiter.tryAcquire(1600));
    }
}
