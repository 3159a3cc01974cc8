package dev.mcu.transport;

import dev.mcu.media.rtp.RtpPacket;
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
    private static final InetSocketAddress INTRUDER = new InetSocketAddress("127.0.0.2", 5000);
    private static final long SSRC = 0x1234_5678L;

    private final RemoteLatch latch = new RemoteLatch("test");

    private static RtpPacket rtp(long ssrc, int seq) {
        return RtpPacket.parse(RtpPacket.build(0, false, seq, seq * 160L, ssrc, new byte[160]));
    }

    @Test
    void anUntrustedSdpAddressIsNoTarget() {
        latch.expect(SDP, false);
        assertNull(latch.target());
    }

    @Test
    void aTrustedSdpAddressIsTheTargetUntilAPacketArrives() {
        latch.expect(SDP, true);
        assertEquals(SDP, latch.target());
        assertTrue(latch.acceptRtp(PHONE, rtp(SSRC, 1)));
        assertEquals(PHONE, latch.target());
    }

    @Test
    void anotherSourceWithItsOwnStreamNeverTakesOver() {
        latch.expect(SDP, false);
        latch.acceptRtp(PHONE, rtp(SSRC, 1));
        for (int seq = 0; seq < 50; seq++) {
            assertFalse(latch.acceptRtp(INTRUDER, rtp(0xbad, seq)));
        }
        assertEquals(PHONE, latch.target());
        assertTrue(latch.acceptRtp(PHONE, rtp(SSRC, 2)));
    }

    @Test
    void anotherSourceReplayingTheStreamsOldSequenceNumbersNeverTakesOver() {
        latch.expect(SDP, false);
        for (int seq = 100; seq <= 200; seq++) {
            latch.acceptRtp(PHONE, rtp(SSRC, seq));
        }
        for (int seq = 150; seq <= 200; seq++) {
            assertFalse(latch.acceptRtp(INTRUDER, rtp(SSRC, seq)));
        }
        assertEquals(PHONE, latch.target());
    }

    @Test
    void aSourceThatContinuesTheStreamTakesOverAfterAFewPackets() {
        latch.expect(SDP, false);
        latch.acceptRtp(PHONE, rtp(SSRC, 65534));
        latch.acceptRtp(PHONE, rtp(SSRC, 65535));
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 1)), "packet 0 was lost in the move");
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 2)));
        assertTrue(latch.acceptRtp(REBOUND, rtp(SSRC, 3)));
        assertEquals(REBOUND, latch.target());
        assertFalse(latch.acceptRtp(PHONE, rtp(SSRC, 4)), "the old address does not get the stream back");
    }

    @Test
    void aGapInTheNewSourcesSequenceRestartsItsProbation() {
        latch.expect(SDP, false);
        latch.acceptRtp(PHONE, rtp(SSRC, 10));
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 11)));
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 12)));
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 20)));
        assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, 21)));
        assertTrue(latch.acceptRtp(REBOUND, rtp(SSRC, 22)));
    }

    @Test
    void aJumpBeyondTheDropoutLimitIsNoContinuation() {
        latch.expect(SDP, false);
        latch.acceptRtp(PHONE, rtp(SSRC, 10));
        int far = 10 + RemoteLatch.MAX_SEQUENCE_JUMP + 1;
        for (int seq = far; seq < far + 10; seq++) {
            assertFalse(latch.acceptRtp(REBOUND, rtp(SSRC, seq)));
        }
        assertEquals(PHONE, latch.target());
    }

    @Test
    void rtcpFollowsOnlyToTheHostTheRtpLatchMovedToAndOnlyForTheLatchedSsrc() {
        RemoteLatch rtcp = new RemoteLatch("test RTCP");
        latch.acceptRtp(PHONE, rtp(SSRC, 1));
        assertTrue(rtcp.acceptRtcp(new InetSocketAddress("127.0.0.1", 5001), SSRC, latch));
        assertFalse(rtcp.acceptRtcp(new InetSocketAddress("127.0.0.2", 5001), SSRC, latch), "another host");
        assertFalse(rtcp.acceptRtcp(new InetSocketAddress("127.0.0.1", 5003), 0xbad, latch), "another SSRC");
        assertTrue(rtcp.acceptRtcp(new InetSocketAddress("127.0.0.1", 5003), SSRC, latch));
        assertEquals(new InetSocketAddress("127.0.0.1", 5003), rtcp.target());
    }

    @Test
    void muxedRtcpNeverMovesTheLatch() {
        latch.acceptRtp(PHONE, rtp(SSRC, 1));
        assertFalse(latch.acceptRtcp(REBOUND, SSRC, latch));
        assertEquals(PHONE, latch.target());
    }

    @Test
    void aNewSdpAddressForgetsTheLatch() {
        latch.expect(SDP, false);
        latch.acceptRtp(PHONE, rtp(SSRC, 1));
        latch.expect(new InetSocketAddress("127.0.0.6", 4000), false);
        assertNull(latch.target());
        latch.expect(new InetSocketAddress("127.0.0.6", 4000), false);
        assertTrue(latch.acceptRtp(INTRUDER, rtp(0xbad, 1)));
    }
}
