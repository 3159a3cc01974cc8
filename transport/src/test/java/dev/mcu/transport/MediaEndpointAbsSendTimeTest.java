package dev.mcu.transport;

import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.HeaderExtensions;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.mcu.transport.TestStreams.REMOTE_SSRC;
import static dev.mcu.transport.TestStreams.VIDEO_PT;
import static dev.mcu.transport.TestStreams.mcuVideo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A video stream that agreed abs-send-time gets it in every packet it is sent, stamped when the
 * endpoint sends it (an rtx retransmission when it is resent; a packet resent as it was keeps its first
 * stamp); one that did not gets the packet as the packetizer made it. The bytes are read
 * from a recording {@link PacketOutput}: what the receiver would parse.
 */
class MediaEndpointAbsSendTimeTest {
    private static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.1", 40000);
    private static final int EXTENSION_ID = 2;
    private static final int RTX_PT = 97;
    private static final long RTX_SSRC = 0x0bad_cafeL;

    private static final class RecordingOutput implements PacketOutput {
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
            sent.add(packet.clone());
        }

        @Override
        public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        }
    }

    private static MediaEndpoint endpoint(RecordingOutput output, int absSendTimeId) {
        MediaEndpoint endpoint = new MediaEndpoint("call-1", MediaKind.VIDEO, output, 1500, "cname", -1);
        endpoint.configure(new NegotiatedStream(MediaKind.VIDEO, Codec.VP8, VIDEO_PT, Map.of(), -1, Direction.SENDRECV,
                0, false, -1, VideoReceiveCap.NONE, absSendTimeId), RECEIVER, true, true);
        return endpoint;
    }

    @Test
    void everyPacketCarriesTheTimeItWasSentUnderTheAgreedId() {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, EXTENSION_ID);
        byte[] shared = mcuVideo(7);
        byte[] untouched = shared.clone();
        long before = System.nanoTime();
        endpoint.sendRtp(shared);
        long after = System.nanoTime();

        assertArrayEquals(untouched, shared, "the layer's packet, shared by all its receivers, is not changed");
        RtpPacket sent = RtpPacket.parse(output.sent.get(0));
        assertNotNull(sent);
        HeaderExtensions.Element element = HeaderExtensions.find(sent, EXTENSION_ID);
        assertNotNull(element, "abs-send-time is in the packet");
        assertEquals(3, element.length());
        byte[] b = output.sent.get(0);
        int stamped = ((b[element.offset()] & 0xff) << 16) | ((b[element.offset() + 1] & 0xff) << 8)
                | (b[element.offset() + 2] & 0xff);
        int low = AbsSendTime.value(before);
        int span = (AbsSendTime.value(after) - low) & 0xffffff;
        assertTrue(((stamped - low) & 0xffffff) <= span, "stamped between before (" + low + ") and after: " + stamped);
        assertArrayEquals(RtpPacket.parse(untouched).copyPayload(), sent.copyPayload(), "the payload is intact");
        assertEquals(7, sent.sequenceNumber());
        assertEquals(output.sent.get(0).length, endpoint.stats().bytesSent(), "counted as it left");
    }

    private static void nack(MediaEndpoint endpoint, long mediaSsrc, int sequenceNumber) {
        byte[] nack = RtcpCompound.write(List.of(new GenericNack(REMOTE_SSRC, mediaSsrc, List.of(sequenceNumber))));
        endpoint.onDatagram(nack, RECEIVER, false, System.nanoTime());
    }

    private static int stampOf(byte[] packet) {
        HeaderExtensions.Element element = HeaderExtensions.find(RtpPacket.parse(packet), EXTENSION_ID);
        assertNotNull(element, "abs-send-time is in the packet");
        return ((packet[element.offset()] & 0xff) << 16) | ((packet[element.offset() + 1] & 0xff) << 8)
                | (packet[element.offset() + 2] & 0xff);
    }

    @Test
    void aPacketResentAsItWasCarriesTheStampItFirstWentOutWith() throws InterruptedException {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, EXTENSION_ID);
        endpoint.sendRtp(mcuVideo(7));
        Thread.sleep(5); // a later stamp would differ: 5 ms is ~1,300 units of 1/262144 s
        nack(endpoint, RtpPacket.parse(output.sent.get(0)).ssrc(), 7);

        assertEquals(2, output.sent.size(), "the NACKed packet was resent");
        // the same bytes: SRTP protects it again under the same index, where AES-GCM must see the same header
        assertArrayEquals(output.sent.get(0), output.sent.get(1));
    }

    @Test
    void anRtxRetransmissionIsStampedWhenItIsSent() throws InterruptedException {
        RecordingOutput output = new RecordingOutput();
        MediaEndpoint endpoint = endpoint(output, EXTENSION_ID);
        endpoint.useRtx(RTX_PT, RTX_SSRC);
        endpoint.sendRtp(mcuVideo(7));
        Thread.sleep(5);
        long before = System.nanoTime();
        nack(endpoint, RtpPacket.parse(output.sent.get(0)).ssrc(), 7);
        long after = System.nanoTime();

        assertEquals(2, output.sent.size(), "the NACKed packet was resent");
        RtpPacket rtx = RtpPacket.parse(output.sent.get(1));
        // (the recorder keeps the bytes as handed over: payload type and SSRC are the output's to write)
        int stamped = stampOf(output.sent.get(1));
        int low = AbsSendTime.value(before);
        int span = (AbsSendTime.value(after) - low) & 0xffffff;
        assertTrue(((stamped - low) & 0xffffff) <= span, "stamped between before (" + low + ") and after: " + stamped);
        byte[] original = RtpPacket.parse(mcuVideo(7)).copyPayload();
        byte[] payload = rtx.copyPayload();
        assertEquals(7, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff), "the original sequence number first");
        assertArrayEquals(original, Arrays.copyOfRange(payload, 2, payload.length), "then the original payload");
    }

    @Test
    void aStreamThatDidNotAgreeItGetsThePacketAsMade() {
        RecordingOutput output = new RecordingOutput();
        endpoint(output, -1).sendRtp(mcuVideo(7));
        assertFalse(RtpPacket.parse(output.sent.get(0)).hasExtension());
        assertArrayEquals(mcuVideo(7), output.sent.get(0));
    }
}
