package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import org.junit.jupiter.api.AfterAll;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static dev.mcu.transport.Phone.LOOPBACK;
import static dev.mcu.transport.TestStreams.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad datagrams are dropped and counted, and the transport keeps delivering good ones after them. */
class UdpMediaTransportDropTest {
    private static final TestTransportThreads THREADS = new TestTransportThreads();

    @AfterAll
    static void stopThreads() {
        THREADS.close();
    }

    private UdpMediaTransportFactory factory;
    private MediaTransport transport;
    private Phone phone;
    private final RecordingListener listener = new RecordingListener();

    record Case(String name, byte[] bytes, ReceiveDrop reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static Stream<Case> badDatagrams() {
        byte[] oversize = Arrays.copyOf(remoteVideo(1), 1600);
        return Stream.of(
                new Case("a single byte", bytes(0x80), ReceiveDrop.SIZE),
                new Case("shorter than an RTP header", bytes(0x80, VIDEO_PT, 0x00, 0x01, 0x00), ReceiveDrop.MALFORMED),
                new Case("RTP version 1", bytes(
                        0x40, VIDEO_PT, 0x00, 0x01,     // V=1
                        0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1), ReceiveDrop.MALFORMED),
                new Case("CSRC count past the end", bytes(
                        0x8f, VIDEO_PT, 0x00, 0x01,     // V=2 CC=15: needs 60 more bytes
                        0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1), ReceiveDrop.MALFORMED),
                new Case("padding larger than the packet", bytes(
                        0xa0, VIDEO_PT, 0x00, 0x01,     // V=2 P=1
                        0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0xff), ReceiveDrop.MALFORMED),
                new Case("a payload type that was not negotiated", RtpPacket.build(8, false, 1, 0, REMOTE_SSRC,
                        new byte[] {1}), ReceiveDrop.WRONG_PAYLOAD_TYPE),
                new Case("larger than the maximum packet size", oversize, ReceiveDrop.SIZE),
                new Case("RTCP with a length past the end", bytes(
                        0x81, 201, 0x00, 0x09,          // RR claiming 40 bytes
                        0x12, 0x34, 0x56, 0x78), ReceiveDrop.MALFORMED),
                new Case("RTCP version 0", bytes(
                        0x01, 201, 0x00, 0x01,
                        0x12, 0x34, 0x56, 0x78), ReceiveDrop.MALFORMED));
    }

    @BeforeEach
    void start() throws Exception {
        int base = FreePortRange.of(40);
        factory = new UdpMediaTransportFactory(UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 39), THREADS.eventLoops());
        transport = factory.create("call-drop", LOOPBACK);
        transport.bound().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS); // epoll/io_uring bind on the loop
        transport.setListener(listener);
        phone = new Phone();
        transport.configure(video(), phone.address(), true);
    }

    @AfterEach
    void stop() {
        phone.close();
        transport.close();
        factory.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDatagrams")
    void aBadDatagramIsDroppedCountedAndTheNextGoodOneStillArrives(Case c) throws Exception {
        int port = transport.localPort(MediaKind.VIDEO);
        phone.send(c.bytes(), port);
        phone.send(remoteVideo(77), port);

        assertEquals(77, listener.nextRtp().sequenceNumber());
        TransportStats stats = transport.stats(MediaKind.VIDEO);
        assertEquals(1, stats.dropped());
        assertEquals(java.util.Map.of(c.reason().label(), 1L), stats.droppedByReason(), "counted under its reason");
        assertEquals(1, stats.packetsReceived());
        assertEquals(0, stats.rtcpReceived());
        assertTrue(listener.rtp.isEmpty());
    }
}
