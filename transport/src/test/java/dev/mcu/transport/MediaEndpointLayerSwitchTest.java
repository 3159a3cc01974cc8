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
import static dev.mcu.transport.TestStreams.VIDEO_PT;
import static dev.mcu.transport.TestStreams.video;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A receiver moved from one output layer's stream to another's (two packetizers: own SSRC, own
 * sequence numbers) must see one continuous RTP stream, and a NACK must get back what it was
 * actually sent. The endpoint writes through a recording {@link PacketOutput} (no socket needed:
 * what is checked is the header the receiver would get); the rewrite the real outputs apply is the
 * same call, and WebRtcTransportTest covers SRTP's.
 */
class MediaEndpointLayerSwitchTest {
    private static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.1", 40000);
    private static final long LAYER_720_SSRC = 0x0720_0720L;
    private static final long LAYER_360_SSRC = 0x0360_0360L;

    /** Every packet as it would leave: the header fields the output was told to write, and the payload. */
    private record Wire(int payloadType, long ssrc, int sequenceNumber, long timestamp, byte[] payload) {
    }

    private static final class RecordingOutput implements PacketOutput {
        final List<Wire> sent = new ArrayList<>();

        @Override
        public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
            RtpPacket parsed = RtpPacket.parse(packet);
            byte[] payload = java.util.Arrays.copyOfRange(packet, parsed.payloadOffset(),
                    parsed.payloadOffset() + parsed.payloadLength());
            sent.add(new Wire(payloadType, ssrc >= 0 ? ssrc : parsed.ssrc(), parsed.sequenceNumber(), parsed.timestamp(),
                    payload));
        }

        @Override
        public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        }
    }

    private static byte[] layerPacket(long ssrc, int seq, long timestamp, int payloadByte) {
        return RtpPacket.build(INTERNAL_PT, false, seq, timestamp, ssrc, new byte[] {(byte) payloadByte});
    }

    private static MediaEndpoint endpoint(RecordingOutput output, long outgoingSsrc) {
        MediaEndpoint endpoint = new MediaEndpoint("call-1", MediaKind.VIDEO, output, 1500, "cname", outgoingSsrc);
        endpoint.configure(video(), RECEIVER, true, true);
        return endpoint;
    }

    /** Three packets of the 720p layer, then the 360p layer's keyframe: four numbers apart, wrapped. */
    private static void sendAcrossASwitch(MediaEndpoint endpoint) {
        endpoint.sendRtp(layerPacket(LAYER_720_SSRC, 65534, 9000, 1));
        endpoint.sendRtp(layerPacket(LAYER_720_SSRC, 65535, 9000, 2));
        endpoint.sendRtp(layerPacket(LAYER_720_SSRC, 0, 12000, 3));
        endpoint.sendRtp(layerPacket(LAYER_360_SSRC, 4321, 15000, 4));
        endpoint.sendRtp(layerPacket(LAYER_360_SSRC, 4322, 15000, 5));
    }

    private static void nack(MediaEndpoint endpoint, long mediaSsrc, int... sequenceNumbers) {
        List<Integer> lost = new ArrayList<>();
        for (int s : sequenceNumbers) {
            lost.add(s);
        }
        byte[] rtcp = RtcpCompound.write(List.of(new GenericNack(REMOTE_SSRC, mediaSsrc, lost)));
        endpoint.onDatagram(rtcp, RECEIVER, false, System.nanoTime());
    }

    @Test
    void aReceiverMovedToAnotherLayerSeesOneStreamWithContinuousSequenceNumbers() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, 0xabcdef01L);

        sendAcrossASwitch(endpoint);

        assertEquals(List.of(65534, 65535, 0, 1, 2), output.sent.stream().map(Wire::sequenceNumber).toList());
        assertEquals(List.of(0xabcdef01L), output.sent.stream().map(Wire::ssrc).distinct().toList());
        assertEquals(List.of(VIDEO_PT), output.sent.stream().map(Wire::payloadType).distinct().toList());
        assertEquals(List.of(9000L, 9000L, 12000L, 15000L, 15000L), output.sent.stream().map(Wire::timestamp).toList());
    }

    @Test
    void aPhoneWithoutAnAnnouncedSsrcKeepsTheFirstLayersSsrcAcrossTheSwitch() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, -1);

        sendAcrossASwitch(endpoint);

        assertEquals(List.of(LAYER_720_SSRC), output.sent.stream().map(Wire::ssrc).distinct().toList());
        assertEquals(List.of(65534, 65535, 0, 1, 2), output.sent.stream().map(Wire::sequenceNumber).toList());
    }

    @Test
    void aNackAfterTheSwitchGetsThePacketsItWasSentUnderTheNumbersItSaw() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, 0xabcdef01L);
        sendAcrossASwitch(endpoint);
        output.sent.clear();

        nack(endpoint, 0xabcdef01L, 0, 1, 2, 4321);   // 4321 is the 360p layer's own number: never sent as such

        assertEquals(List.of(0, 1, 2), output.sent.stream().map(Wire::sequenceNumber).toList());
        assertEquals(List.of(3, 4, 5), output.sent.stream().map(w -> (int) w.payload()[0]).toList());
        assertEquals(List.of(0xabcdef01L), output.sent.stream().map(Wire::ssrc).distinct().toList());
        assertEquals(3, endpoint.stats().retransmitted());
    }

    @Test
    void withRtxTheRetransmissionCarriesTheSequenceNumberTheReceiverSaw() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, 0xabcdef01L);
        endpoint.useRtx(97, 0x0bad_cafeL);
        sendAcrossASwitch(endpoint);
        output.sent.clear();

        nack(endpoint, 0xabcdef01L, 1);

        assertEquals(1, output.sent.size());
        Wire rtx = output.sent.get(0);
        assertEquals(97, rtx.payloadType());
        assertEquals(0x0bad_cafeL, rtx.ssrc());
        assertArrayEquals(new byte[] {0, 1, 4}, rtx.payload(), "original sequence number 1, then the 360p payload");
    }

    @Test
    void aNackNamingAnotherSsrcIsNotAnswered() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, 0xabcdef01L);
        sendAcrossASwitch(endpoint);
        output.sent.clear();

        nack(endpoint, LAYER_360_SSRC, 1, 2);

        assertEquals(List.of(), output.sent);
    }

    @Test
    void aStreamThatNeverChangesSourceKeepsThePacketizersNumbers() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, -1);
        for (int seq = 100; seq < 104; seq++) {
            endpoint.sendRtp(layerPacket(LAYER_720_SSRC, seq, seq * 3000L, seq));
        }
        assertEquals(List.of(100, 101, 102, 103), output.sent.stream().map(Wire::sequenceNumber).toList());
    }
}
