package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static dev.mcu.transport.TestStreams.INTERNAL_PT;
import static dev.mcu.transport.TestStreams.REMOTE_SSRC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Only video is kept for retransmission: a resent 20 ms audio packet arrives after its playout
 * time (audio recovers by FEC and concealment), and no offer of ours or Chrome's agrees to audio
 * NACK, while keeping every packet sent to 5,000 webinar attendees costs a cache entry per send.
 * The endpoint writes through a counting {@link PacketOutput}: what is checked is what goes out.
 */
class MediaEndpointNackCacheTest {
    private static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.1", 40000);
    private static final long OUR_SSRC = 0x1234_5678L;

    private static final class RecordingOutput implements PacketOutput {
        final List<Integer> sentSequenceNumbers = new ArrayList<>();

        @Override
        public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
            sentSequenceNumbers.add(RtpPacket.parse(packet).sequenceNumber());
        }

        @Override
        public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        }
    }

    private static List<Integer> nackedAfterSending(MediaKind kind) {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = new MediaEndpoint("call-1", kind, output, 1500, "cname", OUR_SSRC);
        endpoint.configure(kind == MediaKind.AUDIO ? TestStreams.audio() : TestStreams.video(), RECEIVER, true, true);
        for (int seq = 10; seq < 15; seq++) {
            endpoint.sendRtp(RtpPacket.build(INTERNAL_PT, false, seq, seq * 960L, 0x0abc_0abcL, new byte[] {(byte) seq}));
        }
        output.sentSequenceNumbers.clear();
        byte[] nack = RtcpCompound.write(List.of(new GenericNack(REMOTE_SSRC, OUR_SSRC, List.of(11, 13))));
        endpoint.onDatagram(nack, RECEIVER, false, System.nanoTime());
        return output.sentSequenceNumbers;
    }

    @Test
    void aVideoNackIsAnsweredFromTheCache() {
        assertEquals(List.of(11, 13), nackedAfterSending(MediaKind.VIDEO));
    }

    @Test
    void audioIsNotKeptSoAnAudioNackResendsNothing() {
        assertEquals(List.of(), nackedAfterSending(MediaKind.AUDIO));
    }
}
