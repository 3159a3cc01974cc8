package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.testing.TestTransportThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.mcu.transport.Phone.LOOPBACK;
import static dev.mcu.transport.TestStreams.audio;
import static dev.mcu.transport.TestStreams.AUDIO_PT;
import static dev.mcu.transport.TestStreams.INTERNAL_PT;
import static dev.mcu.transport.TestStreams.MCU_SSRC;
import static dev.mcu.transport.TestStreams.REMOTE_SSRC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A call's sockets move between the media loops and the contributors' loops ({@link
 * MediaTransport#feedProgram}) and keep working: after a move to the contributors' loops the phone's
 * RTP is received and ours reaches it while every media loop is held; moved back, nothing is received
 * while they are held, and what waited in the socket arrives once they are free. On each {@link
 * IoEngine} that runs here but io_uring (see {@code UdpMediaTransportFactory.movesBetweenLoops}).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(IoEngine.class)
class UdpMediaTransportMoveTest {
    @Parameter
    IoEngine engine;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();
    private TestTransportThreads media;
    private TestTransportThreads contributors;
    private MediaTransport transport;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(engine.available(), () -> engine.setting() + " cannot run here: " + engine.unavailableBecause());
        // Netty 4.2.18's io_uring channels never complete a deregistration: the factory does not move them
        assumeTrue(engine != IoEngine.IO_URING, "io_uring sockets are not moved between loops");
        media = open(new TestTransportThreads(engine));
        contributors = open(new TestTransportThreads(engine));
        int firstPort = FreePortRange.of(4);
        UdpMediaTransportFactory factory = open(new UdpMediaTransportFactory(UdpTransportConfig.defaults(LOOPBACK)
                .withPorts(firstPort, firstPort + 3), media.eventLoops(), contributors.eventLoops()));
        transport = open(factory.create("attendee", LOOPBACK, EnumSet.of(MediaKind.AUDIO), false));
        transport.bound().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

    @Test
    void aPromotedCallIsServedWhileTheMediaLoopsAreHeldAndADemotedOneWaitsForThem() throws Exception {
        Phone phone = open(new Phone());
        transport.configure(audio(), phone.address(), false);
        int port = transport.localPort(MediaKind.AUDIO);

        transport.feedProgram(true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Hold held = new Hold(media.eventLoops())) {
            phone.send(phoneAudio(1), port);
            assertEquals(1, listener.nextRtp().sequenceNumber(), "the phone's RTP read on the contributors' loop");
            transport.sendRtp(MediaKind.AUDIO, ourAudio(2));
            assertEquals(2, RtpPacket.parse(phone.receiveRtp()).sequenceNumber(), "our RTP sent from there");
        }

        transport.feedProgram(false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Hold held = new Hold(media.eventLoops())) {
            phone.send(phoneAudio(3), port);
            assertNull(listener.rtp.poll(300, TimeUnit.MILLISECONDS), "read while the media loops were held");
        }
        assertEquals(3, listener.nextRtp().sequenceNumber(), "the packet that waited in the socket, once they are free");
        transport.sendRtp(MediaKind.AUDIO, ourAudio(4));
        assertEquals(4, RtpPacket.parse(phone.receiveRtp()).sequenceNumber());
    }

    @Test
    void movesAskedForInTurnEndWhereTheLastOneSaysAndAClosedCallStaysClosed() throws Exception {
        Phone phone = open(new Phone());
        transport.configure(audio(), phone.address(), false);
        transport.feedProgram(true);
        transport.feedProgram(false);
        transport.feedProgram(true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Hold held = new Hold(media.eventLoops())) {
            phone.send(phoneAudio(5), transport.localPort(MediaKind.AUDIO));
            assertEquals(5, listener.nextRtp().sequenceNumber(), "served by the contributors' loop after three moves");
        }
        transport.close();
        transport.feedProgram(false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // the port is free again (NIO closes the socket once its selector next runs): nothing re-registered it
        int port = transport.localPort(MediaKind.AUDIO);
        RecordingListener.await("port " + port + " to be free after the call closed", () -> {
            try (java.net.DatagramSocket again = new java.net.DatagramSocket(port, LOOPBACK)) {
                return again.isBound();
            } catch (java.net.SocketException busy) {
                return false;
            }
        });
    }

    private static byte[] phoneAudio(int seq) {
        return RtpPacket.build(AUDIO_PT, false, seq, seq * 160L, REMOTE_SSRC, new byte[160]);
    }

    private static byte[] ourAudio(int seq) {
        return RtpPacket.build(INTERNAL_PT, false, seq, seq * 160L, MCU_SSRC, new byte[160]);
    }

    /** Every loop of a group held by a task until closed (bounded: a failed test never keeps them). */
    private static final class Hold implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);

        Hold(EventLoopGroup group) throws InterruptedException {
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            CountDownLatch held = new CountDownLatch(loops.size());
            for (EventExecutor loop : loops) {
                loop.execute(() -> {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(held.await(10, TimeUnit.SECONDS), "the loops did not pick up the holding task");
        }

        @Override
        public void close() {
            release.countDown();
        }
    }
}
