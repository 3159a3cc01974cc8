package dev.mcu.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.dtmf.TelephoneEvent;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtp.AudioLevelIndication;
import dev.mcu.media.rtp.HeaderExtensions;
import dev.mcu.media.rtp.RtpPacket;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any datagram a phone sends to an RTP or RTCP port: the parsers answer {@code null} or a packet
 * whose fields stay inside the datagram, never throw; an RTCP compound we parsed writes back into
 * bytes that parse to the same packets (a NACK to the same set of packets).
 */
class RtpRtcpFuzzTest {

    @FuzzTest
    void rtpAndRtcpParsers(byte[] datagram) {
        RtpPacket rtp = RtpPacket.parse(datagram);
        if (rtp != null) {
            assertTrue(rtp.payloadOffset() >= RtpPacket.FIXED_HEADER_SIZE, "payload inside the header");
            assertTrue(rtp.payloadOffset() + rtp.payloadLength() <= datagram.length, "payload past the datagram");
            assertEquals(rtp.payloadLength(), rtp.copyPayload().length);
            for (int id = 1; id <= 15; id++) {
                HeaderExtensions.Element element = HeaderExtensions.find(rtp, id);
                if (element != null) {
                    assertTrue(element.offset() >= 0 && element.offset() + element.length() <= datagram.length,
                            "extension element past the datagram");
                }
                AudioLevelIndication.read(rtp, id);
            }
            TelephoneEvent.parse(datagram, rtp.payloadOffset(), rtp.payloadLength());
        }
        List<RtcpPacket> rtcp = RtcpCompound.parse(datagram, 0, datagram.length);
        if (rtcp != null && !rtcp.isEmpty()) {
            byte[] written = RtcpCompound.write(rtcp);
            List<RtcpPacket> again = RtcpCompound.parse(written, 0, written.length);
            assertNotNull(again, "our own RTCP did not parse");
            assertEquals(normalised(rtcp), normalised(again));
        }
    }

    /** A NACK's order of naming is not its meaning: compare the set of packets it asks for. */
    private static List<Object> normalised(List<RtcpPacket> compound) {
        return compound.stream().<Object>map(packet -> packet instanceof GenericNack nack
                ? List.of(nack.senderSsrc(), nack.mediaSsrc(), new TreeSet<>(nack.lostSequenceNumbers()))
                : packet).toList();
    }
}
