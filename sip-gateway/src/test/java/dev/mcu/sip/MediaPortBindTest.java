package dev.mcu.sip;

import dev.mcu.media.MediaKind;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.transport.FreePortRange;
import dev.mcu.transport.IoEngine;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import dev.mcu.transport.UdpMediaTransportFactory;
import dev.mcu.transport.UdpTransportConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The 200 OK names media ports a phone sends to the moment it reads the answer (baresip does), so it
 * leaves only once they are bound. With epoll or io_uring the event loop binds a call's sockets after
 * the INVITE worker found the ports free; a loop busy with other calls' RTP (here: held by the test)
 * used to let the 200 OK out first, and the phone's first packets met ICMP port unreachable. Real
 * parts: the server's SIP stack, its UDP transport factory on every media.ioEngine that runs here,
 * a JAIN-SIP phone and a plain UDP socket sending RTP.
 */
class MediaPortBindTest {
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;
    /** How long the test keeps the media event loop busy when the 200 OK does not come meanwhile. */
    private static final long HOLD_MILLIS = 1500;
    private static final int FIRST_PACKETS = 5;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestSipExecutors executors = new TestSipExecutors();
    private final SipServerTest.RecordingHandler handler = new SipServerTest.RecordingHandler();
    private EventLoopGroup mediaLoop;
    private SipServer server;
    private SipTestPhone phone;

    /** Every media.ioEngine that runs here (io_uring, epoll, NIO). */
    static Stream<Arguments> engines() {
        return java.util.Arrays.stream(IoEngine.values()).filter(IoEngine::available)
                .map(engine -> Arguments.of(engine.setting(), engine));
    }

    @AfterEach
    void stop() throws Exception {
        if (phone != null) {
            phone.close();
        }
        if (server != null) {
            server.close();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        executors.close();
        if (mediaLoop != null) {
            mediaLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A server whose media run on one event loop, with a port range of {@code pairs} RTP/RTCP pairs. */
    private MediaTransportFactory start(IoEngine engine, int base, int pairs, MediaTransportFactory wrap)
            throws Exception {
        mediaLoop = new MultiThreadIoEventLoopGroup(1, engine.ioHandlerFactory());
        UdpMediaTransportFactory transports = new UdpMediaTransportFactory(
                UdpTransportConfig.defaults(InetAddress.getLoopbackAddress()).withPorts(base, base + 2 * pairs - 1),
                mediaLoop);
        toClose.add(transports);
        handler.rooms.put("demo", Admission.accept());
        int sipPort = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", sipPort), handler, wrap == null ? transports : wrap,
                new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        phone = new SipTestPhone("127.0.0.1", sipPort);
        return transports;
    }

    /** Keeps the only media event loop busy until {@code release}, as other calls' RTP would. */
    private CountDownLatch holdMediaLoop() throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        mediaLoop.next().execute(() -> {
            holding.countDown();
            try {
                release.await(2 * WAIT, TimeUnit.SECONDS); // longer than any wait of the test's own
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(WAIT, TimeUnit.SECONDS), "the media event loop never ran the test's task");
        return release;
    }

    private static String offer(int port) {
        return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void thePhonesFirstRtpSentTheMomentThe200OkArrivesIsReceived(String name, IoEngine engine) throws Exception {
        start(engine, FreePortRange.of(4), 2, null);
        DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(media);
        CountDownLatch release = holdMediaLoop();

        SipTestPhone.Outgoing call = phone.invite("demo", offer(media.getLocalPort()));
        // What a phone does: RTP the moment the 200 OK is read, here while the loop is still busy if
        // the answer does not wait for the bind.
        PhoneResponse ok = call.awaitFinal(HOLD_MILLIS);
        if (ok != null) {
            sendFirstPackets(media, ok);
        }
        release.countDown();
        if (ok == null) {
            ok = call.awaitFinal();
            sendFirstPackets(media, ok);
        }
        call.ack();

        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS), "the call started");
        Call answered = server.calls().get(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (answered.transport().stats(MediaKind.AUDIO).packetsReceived() < FIRST_PACKETS
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(FIRST_PACKETS, answered.transport().stats(MediaKind.AUDIO).packetsReceived(),
                name + ": the server counts every RTP packet the phone sent on reading the 200 OK: "
                        + answered.transport().stats(MediaKind.AUDIO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void aPortTakenBeforeTheEventLoopBindsItGets503AndIsGivenBack(String name, IoEngine engine) throws Exception {
        assumeTrue(engine.isNative(), "only an event loop that binds after the port was found free has this race");
        int base = FreePortRange.of(2);
        CountDownLatch created = new CountDownLatch(1);
        startNoticing(engine, base, 1, created);
        DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(media);
        CountDownLatch release = holdMediaLoop();

        SipTestPhone.Outgoing call = phone.invite("demo", offer(media.getLocalPort()));
        assertTrue(created.await(WAIT, TimeUnit.SECONDS), "the server made the call's transport");
        // The port was free when the server looked; another program takes it before the loop binds.
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), base));
        release.countDown();
        PhoneResponse refused = call.awaitFinal();
        squatter.close();

        assertEquals(503, refused.status(), "not a 200 with a dead port: " + refused.reason());
        assertTrue(refused.header("Warning").contains("media port could not be bound"), refused.header("Warning"));
        assertNotNull(refused.header("Retry-After"), "503 says when to retry");
        assertEquals(1, server.protocolCounters().mediaPortsRefused(), server.protocolCounters().toString());
        String abandoned = handler.abandoned.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(abandoned, "the admitted call's place is given back");
        assertTrue(abandoned.contains("could not be bound"), abandoned);

        // The pair is free again (the range holds only this one): the phone's retry gets it.
        SipTestPhone.Outgoing retry = phone.invite("demo", offer(media.getLocalPort()));
        PhoneResponse ok = retry.awaitFinal();
        assertEquals(200, ok.status(), ok.reason());
        Matcher audio = Pattern.compile("m=audio (\\d+)").matcher(ok.body());
        assertTrue(audio.find() && Integer.parseInt(audio.group(1)) == base, ok.body());
        retry.ack();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void anRtcpPortTakenByAnotherProgramIsSkippedWithoutWaitingForTheEventLoop(String name, IoEngine engine)
            throws Exception {
        assumeTrue(engine.isNative(), "NIO binds on the INVITE worker and closes a half-made pair there too");
        int base = FreePortRange.of(4);
        CountDownLatch created = new CountDownLatch(1);
        startNoticing(engine, base, 2, created);
        DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(media);
        DatagramSocket rtcpSquatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 1));
        toClose.add(rtcpSquatter);
        CountDownLatch release = holdMediaLoop();

        SipTestPhone.Outgoing call = phone.invite("demo", offer(media.getLocalPort()));
        // The INVITE worker moves on to the next pair while the event loop is still busy: it used to
        // make the RTP channel first and then wait on the loop to close it.
        boolean madeWhileLoopBusy = created.await(WAIT, TimeUnit.SECONDS);
        release.countDown();
        assertTrue(madeWhileLoopBusy, "the call's transport was made without the event loop");
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status(), ok.reason());
        Matcher audio = Pattern.compile("m=audio (\\d+)").matcher(ok.body());
        assertTrue(audio.find() && Integer.parseInt(audio.group(1)) == base + 2, "the next pair: " + ok.body());
        call.ack();
    }

    /** A server as {@link #start(IoEngine, int, int, MediaTransportFactory)} that counts down {@code created} after each transport is made. */
    private void startNoticing(IoEngine engine, int base, int pairs, CountDownLatch created) throws Exception {
        MediaTransportFactory[] real = new MediaTransportFactory[1];
        MediaTransportFactory noticing = new MediaTransportFactory() {
            @Override
            public MediaTransport create(String callId, InetAddress source) throws IOException {
                return create(callId, source, Set.of(MediaKind.values()));
            }

            @Override
            public MediaTransport create(String callId, InetAddress source, Set<MediaKind> kinds) throws IOException {
                MediaTransport made = real[0].create(callId, source, kinds);
                created.countDown();
                return made;
            }

            @Override
            public void close() {
            }
        };
        real[0] = start(engine, base, pairs, noticing);
    }

    /** RTP for PCMU (payload type 0), sequence numbers 1000 on, to the port the answer names. */
    private static void sendFirstPackets(DatagramSocket media, PhoneResponse ok) throws IOException {
        assertEquals(200, ok.status(), ok.reason());
        Matcher audio = Pattern.compile("m=audio (\\d+)").matcher(ok.body());
        assertTrue(audio.find(), ok.body());
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(audio.group(1)));
        int ssrc = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < FIRST_PACKETS; i++) {
            ByteBuffer rtp = ByteBuffer.allocate(12 + 160);
            rtp.put((byte) 0x80).put((byte) 0).putShort((short) (1000 + i)).putInt(160 * i).putInt(ssrc);
            while (rtp.hasRemaining()) {
                rtp.put((byte) 0xff); // PCMU silence
            }
            media.send(new DatagramPacket(rtp.array(), rtp.capacity(), target));
        }
    }
}
