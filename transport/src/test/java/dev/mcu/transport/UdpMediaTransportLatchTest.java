package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import org.junit.jupiter.api.AfterAll;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.mcu.transport.Phone.LOOPBACK;
import static dev.mcu.transport.RecordingListener.await;
import static dev.mcu.transport.TestStreams.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strict latching over real sockets: a sender on another loopback address cannot take a phone's
 * stream over, even after the phone fell silent for longer than the three seconds after which the
 * old latch gave way; a phone whose address really changes (same SSRC, next sequence numbers) is
 * followed.
 */
class UdpMediaTransportLatchTest {
    private static final TestTransportThreads THREADS = new TestTransportThreads();

    @AfterAll
    static void stopThreads() {
        THREADS.close();
    }

    /** Longer than the silence after which the latch used to let any sender take over. */
    private static final long SILENCE_MILLIS = 3_500;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private MediaTransport transport;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void start() throws Exception {
        int base = FreePortRange.of(40);
        UdpMediaTransportFactory factory = open(new UdpMediaTransportFactory(
                UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 39), THREADS.eventLoops()));
        transport = open(factory.create("call-latch", LOOPBACK));
        transport.bound().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS); // epoll/io_uring bind on the loop
        transport.setListener(listener);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    private static byte[] intruderVideo(int seq) {
        return RtpPacket.build(VIDEO_PT, false, seq, seq * 3000L, 0xdead_beefL, new byte[] {6, 6, 6});
    }

    @Test
    void aHijackFromAnotherAddressAfterSilenceIsRefusedAndCountedAndThePhoneKeepsItsStream() throws Exception {
        Phone phone = open(new Phone());
        Phone intruder = open(new Phone(Phone.address("127.0.0.2")));
        transport.configure(video(), phone.address(), true);
        int port = transport.localPort(MediaKind.VIDEO);
        for (int seq = 1; seq <= 5; seq++) {
            phone.send(remoteVideo(seq), port);
            assertEquals(seq, listener.nextRtp().sequenceNumber());
        }

        Thread.sleep(SILENCE_MILLIS);
        for (int seq = 1; seq <= 20; seq++) {
            intruder.send(intruderVideo(seq), port);
        }
        await("the intruder's 20 packets to be refused",
                () -> transport.stats(MediaKind.VIDEO).otherSourceRefused() == 20);

        assertEquals(Optional.of(phone.address()), transport.latchedRemote(MediaKind.VIDEO));
        assertTrue(listener.rtp.isEmpty(), "nothing of the intruder reached the room");
        phone.send(remoteVideo(6), port);
        assertEquals(6, listener.nextRtp().sequenceNumber());
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(77));
        assertEquals(77, RtpPacket.parse(phone.receiveRtp()).sequenceNumber());
        intruder.assertNothingArrives(200);
        assertEquals(20, transport.stats(MediaKind.VIDEO).dropped());
    }

    @Test
    void aPhoneThatMovesAndContinuesItsStreamIsFollowed() throws Exception {
        Phone before = open(new Phone());
        Phone after = open(new Phone(Phone.address("127.0.0.2")));
        transport.configure(video(), before.address(), true);
        int port = transport.localPort(MediaKind.VIDEO);
        for (int seq = 1; seq <= 5; seq++) {
            before.send(remoteVideo(seq), port);
            listener.nextRtp();
        }

        Thread.sleep(SILENCE_MILLIS);
        for (int seq = 6; seq <= 10; seq++) {
            after.send(remoteVideo(seq), port);
        }

        int probation = RemoteLatch.MOVE_AFTER_PACKETS - 1;
        assertEquals(6 + probation, listener.nextRtp().sequenceNumber(), "the first packets prove the move");
        assertEquals(Optional.of(after.address()), transport.latchedRemote(MediaKind.VIDEO));
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(88));
        assertEquals(88, RtpPacket.parse(after.receiveRtp()).sequenceNumber());
        assertEquals(probation, transport.stats(MediaKind.VIDEO).otherSourceRefused());
    }
}
