package dev.mcu.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteLatchTest {
    private static final InetSocketAddress SDP = new InetSocketAddress("127.0.0.5", 4000);
    private static final InetSocketAddress PHONE = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress REBOUND = new InetSocketAddress("127.0.0.1", 5002);
    private static final long SECOND = 1_000_000_000L;

    private final RemoteLatch latch = new RemoteLatch("test");

    @Test
    void anUntrustedSdpAddressIsNoTarget() {
        latch.expect(SDP, false);
        assertNull(latch.target());
    }

    @Test
    void aTrustedSdpAddressIsTheTargetUntilAPacketArrives() {
        latch.expect(SDP, true);
        assertEquals(SDP, latch.target());
        assertTrue(latch.accept(PHONE, 0));
        assertEquals(PHONE, latch.target());
    }

    @Test
    void aSecondSourceIsRefusedWhileTheFirstIsActive() {
        latch.expect(SDP, false);
        latch.accept(PHONE, 0);
        assertTrue(latch.accept(PHONE, 2 * SECOND));
        assertFalse(latch.accept(REBOUND, 4 * SECOND));
        assertEquals(PHONE, latch.target());
    }

    @Test
    void aSecondSourceTakesOverWhenTheFirstFellSilent() {
        latch.expect(SDP, false);
        latch.accept(PHONE, 0);
        assertTrue(latch.accept(REBOUND, RemoteLatch.RELATCH_AFTER_NANOS + 1));
        assertEquals(REBOUND, latch.target());
        assertFalse(latch.accept(PHONE, RemoteLatch.RELATCH_AFTER_NANOS + 2));
    }

    @Test
    void aNewSdpAddressForgetsTheLatch() {
        latch.expect(SDP, false);
        latch.accept(PHONE, 0);
        latch.expect(new InetSocketAddress("127.0.0.6", 4000), false);
        assertNull(latch.target());
        latch.expect(new InetSocketAddress("127.0.0.6", 4000), false);
        assertTrue(latch.accept(REBOUND, 1));
    }
}
