package dev.mcu.transport.webrtc;

import dev.mcu.transport.IoEngine;
import dev.mcu.transport.testing.TestTransportThreads;
import dev.mcu.webrtc.RemoteIceParameters;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtp.HeaderExtensions;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.webrtc.DtlsCertificate;
import dev.mcu.webrtc.StunAttribute;
import dev.mcu.webrtc.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shared WebRTC port: ICE-lite, DTLS-SRTP, BUNDLE, RTCP feedback; on each {@link IoEngine} that runs here. */
@ParameterizedClass(name = "on {0}")
@EnumSource(IoEngine.class)
class WebRtcTransportTest {
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate("mcu-test", Duration.ofDays(1));
    static final int VP8_PT = 96;
    private static final int ABS_SEND_TIME_ID = 3;
    static final int OPUS_PT = 111;
    /** The payload type the MCU's packetizer uses before the transport rewrites it. */
    static final int INTERNAL_PT = 100;
    static final long BROWSER_VIDEO_SSRC = 0x1111_2222L;
    static final long BROWSER_AUDIO_SSRC = 0x3333_4444L;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private WebRtcTransportFactory factory;
    private TestTransportThreads threads;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @Parameter
    IoEngine engine;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(engine.available(), () -> engine.setting() + " cannot run here: " + engine.unavailableBecause());
        threads = new TestTransportThreads(engine);
        factory = new WebRtcTransportFactory(WebRtcTransportConfig.of(FakeBrowser.LOOPBACK, 0), SERVER_CERT, clock::get,
                threads.webRtc());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (factory != null) {
            factory.close();
        }
        if (threads != null) {
            threads.close();
        }
    }

    static NegotiatedStream video() {
        return new NegotiatedStream(MediaKind.VIDEO, Codec.VP8, VP8_PT, Map.of(), -1, Direction.SENDRECV, 0);
    }

    static NegotiatedStream audio() {
        return new NegotiatedStream(MediaKind.AUDIO, Codec.OPUS, OPUS_PT, Map.of(), -1, Direction.SENDRECV, 0);
    }

    /** A transport as the SIP layer leaves it after answering the browser's offer. */
    private WebRtcTransport answeredTransport(FakeBrowser browser, Recorder recorder, String callId) {
        WebRtcTransport transport = factory.create(callId, FakeBrowser.LOOPBACK);
        toClose.add(transport);
        transport.configureWebRtc(new RemoteIceParameters(FakeBrowser.UFRAG, FakeBrowser.PASSWORD),
                browser.fingerprint(), "actpass");
        transport.configure(audio(), null, true);
        transport.configure(video(), null, true);
        transport.setListener(recorder);
        return transport;
    }

    private FakeBrowser browser() {
        FakeBrowser browser = new FakeBrowser(factory.port());
        toClose.add(browser);
        return browser;
    }

    private static byte[] browserVideo(int seq) {
        return RtpPacket.build(VP8_PT, false, seq, seq * 3000L, BROWSER_VIDEO_SSRC, new byte[] {1, 2, 3, (byte) seq});
    }

    private static byte[] browserAudio(int seq) {
        return RtpPacket.build(OPUS_PT, false, seq, seq * 960L, BROWSER_AUDIO_SSRC, new byte[] {7, 7, (byte) seq});
    }

    private static byte[] mcuVideo(int seq) {
        return RtpPacket.build(INTERNAL_PT, true, seq, seq * 3000L, 0xcafe_babeL, new byte[] {9, 8, 7, (byte) seq});
    }

    @Test
    void aBrowserThatPassedIceAndDtlsHasItsSrtpDeliveredInTheClearPerMediaKind() throws Exception {
        FakeBrowser browser = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");

        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        browser.send(browser.protectRtp(browserVideo(1)));
        browser.send(browser.protectRtp(browserAudio(1)));

        List<Recorder.Received> got = List.of(recorder.next(), recorder.next());
        Recorder.Received video = got.stream().filter(r -> r.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
        Recorder.Received audio = got.stream().filter(r -> r.kind() == MediaKind.AUDIO).findFirst().orElseThrow();
        assertArrayEquals(browserVideo(1), video.packet().copyPacket());
        assertArrayEquals(browserAudio(1), audio.packet().copyPacket());
        assertEquals(browser.address(), transport.latchedRemote(MediaKind.VIDEO).orElseThrow());
        assertEquals(browser.address(), transport.mediaTarget(), "media goes to the nominated pair");
        assertEquals(factory.port(), transport.localPort(MediaKind.AUDIO));
        assertEquals(factory.port(), transport.localPort(MediaKind.VIDEO));
    }

    @Test
    void whatTheMcuSendsLeavesEncryptedWithTheNegotiatedPayloadTypeAndTheAnnouncedSsrc() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);

        byte[] shared = mcuVideo(5);
        byte[] copy = shared.clone();
        transport.sendRtp(MediaKind.VIDEO, shared);

        byte[] wire = browser.receiveRawRtp(5000);
        assertNotNull(wire, "nothing reached the browser");
        assertFalse(Arrays.equals(Arrays.copyOfRange(wire, 12, 16), new byte[] {9, 8, 7, 5}), "payload sent in the clear");
        byte[] clear = browser.unprotect(wire);
        RtpPacket packet = RtpPacket.parse(clear);
        assertEquals(VP8_PT, packet.payloadType());
        assertTrue(packet.marker());
        assertEquals(5, packet.sequenceNumber());
        assertEquals((long) transport.localDescription().ssrcs().get(MediaKind.VIDEO), packet.ssrc());
        assertArrayEquals(new byte[] {9, 8, 7, 5}, Arrays.copyOfRange(clear, packet.payloadOffset(),
                packet.payloadOffset() + packet.payloadLength()));
        assertArrayEquals(copy, shared, "the shared packet must not be modified");
    }

    @Test
    void aPliOverSrtcpAsksForAKeyframeARembIsReadAndANackIsAnsweredFromTheCache() throws Exception {
        FakeBrowser browser = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        long ourVideoSsrc = transport.localDescription().ssrcs().get(MediaKind.VIDEO);
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(40));
        assertNotNull(browser.receiveRawRtp(5000), "packet 40 never left"); // and is "lost": never decrypted

        browser.send(browser.protectRtcp(List.of(new ReceiverReport(BROWSER_VIDEO_SSRC, List.of()),
                new PictureLossIndication(BROWSER_VIDEO_SSRC, ourVideoSsrc))));
        Recorder.await("the PLI to reach the listener", () -> recorder.keyframeRequests.get() == 1);
        browser.send(browser.protectRtcp(List.of(new Remb(BROWSER_VIDEO_SSRC, 1_500_000, List.of(ourVideoSsrc)))));
        Recorder.await("the REMB to be read", () -> transport.remoteBitrateEstimateBps(MediaKind.VIDEO) == 1_500_000);

        browser.send(browser.protectRtcp(List.of(new ReceiverReport(BROWSER_VIDEO_SSRC, List.of()),
                new GenericNack(BROWSER_VIDEO_SSRC, ourVideoSsrc, List.of(40)))));
        Recorder.await("the NACK to be read", () -> transport.stats(MediaKind.VIDEO).nacksReceived() == 1);
        byte[] retransmitted = browser.receiveRtp(5000);
        assertNotNull(retransmitted, "the NACKed packet was not resent: " + transport.stats(MediaKind.VIDEO));
        assertEquals(40, RtpPacket.parse(retransmitted).sequenceNumber());
        assertEquals(1, transport.stats(MediaKind.VIDEO).retransmitted());
    }

    @Test
    void withRtxAgreedANackIsAnsweredWithAnRtxPacketCarryingTheOriginalSequenceNumber() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        transport.useRtx(MediaKind.VIDEO, 97);
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        long ourVideoSsrc = transport.localDescription().ssrcs().get(MediaKind.VIDEO);
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(41));
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(42));
        assertNotNull(browser.receiveRawRtp(5000)); // 41 is lost
        assertNotNull(browser.receiveRtp(5000));

        browser.send(browser.protectRtcp(List.of(new ReceiverReport(BROWSER_VIDEO_SSRC, List.of()),
                new GenericNack(BROWSER_VIDEO_SSRC, ourVideoSsrc, List.of(41)))));

        byte[] rtx = browser.receiveRtp(5000);
        assertNotNull(rtx, "no rtx retransmission");
        RtpPacket packet = RtpPacket.parse(rtx);
        assertEquals(97, packet.payloadType());
        assertEquals((long) transport.localDescription().rtxSsrcs().get(MediaKind.VIDEO), packet.ssrc());
        assertEquals(41 * 3000L, packet.timestamp());
        assertArrayEquals(new byte[] {0, 41, 9, 8, 7, 41}, packet.copyPayload(), "OSN, then the original payload");
    }

    @Test
    void withAbsSendTimeAgreedThePacketAndItsRtxRetransmissionArriveStampedThroughSrtp() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        transport.configure(new NegotiatedStream(MediaKind.VIDEO, Codec.VP8, VP8_PT, Map.of(), -1, Direction.SENDRECV,
                0, false, -1, VideoReceiveCap.NONE, ABS_SEND_TIME_ID), null, true);
        transport.useRtx(MediaKind.VIDEO, 97);
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        long ourVideoSsrc = transport.localDescription().ssrcs().get(MediaKind.VIDEO);
        byte[] shared = mcuVideo(43);
        byte[] copy = shared.clone();
        transport.sendRtp(MediaKind.VIDEO, shared);

        byte[] clear = browser.receiveRtp(5000);
        assertNotNull(clear, "nothing reached the browser");
        RtpPacket packet = RtpPacket.parse(clear);
        assertNotNull(HeaderExtensions.find(packet, ABS_SEND_TIME_ID), "abs-send-time in the decrypted packet");
        assertEquals(43, packet.sequenceNumber());
        assertArrayEquals(new byte[] {9, 8, 7, 43}, packet.copyPayload());
        assertArrayEquals(copy, shared, "the shared packet must not be modified");

        browser.send(browser.protectRtcp(List.of(new ReceiverReport(BROWSER_VIDEO_SSRC, List.of()),
                new GenericNack(BROWSER_VIDEO_SSRC, ourVideoSsrc, List.of(43)))));
        byte[] rtx = browser.receiveRtp(5000);
        assertNotNull(rtx, "no rtx retransmission");
        RtpPacket rtxPacket = RtpPacket.parse(rtx);
        assertEquals(97, rtxPacket.payloadType());
        assertNotNull(HeaderExtensions.find(rtxPacket, ABS_SEND_TIME_ID), "abs-send-time in the rtx packet");
        assertArrayEquals(new byte[] {0, 43, 9, 8, 7, 43}, rtxPacket.copyPayload(), "OSN, then the original payload");
    }

    @Test
    void checksWithABadPasswordOrAnUnknownUfragAreRefusedAndTheirAddressGetsNothingThrough() throws Exception {
        FakeBrowser browser = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");
        String ufrag = transport.localDescription().iceUfrag();

        StunMessage badIntegrity = browser.check(ufrag + ":" + FakeBrowser.UFRAG, "not-the-password-at-all-1", true, 5000);
        StunMessage unknownUfrag = browser.check("nobody:" + FakeBrowser.UFRAG, "whatever-password-123456", true, 300);
        browser.send(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}); // DTLS-looking

        assertEquals(StunMessage.BINDING_ERROR_RESPONSE, badIntegrity.type());
        assertEquals(401, badIntegrity.attribute(StunAttribute.ERROR_CODE).errorCode());
        assertNull(unknownUfrag, "a check for an unknown ufrag gets no answer");
        Recorder.await("the drops to be counted", () -> factory.dropped(WebRtcDrop.STUN_UNKNOWN_USERNAME) == 1
                && factory.dropped(WebRtcDrop.DTLS_FROM_UNKNOWN_ADDRESS) == 1);
        assertEquals(1, transport.dropped(WebRtcDrop.STUN_REJECTED));
        assertNull(transport.mediaTarget());
        assertFalse(transport.isSecured());
    }

    @Test
    void dtlsAndSrtpFromAnAddressThatPassedNoCheckAreDropped() throws Exception {
        FakeBrowser browser = browser();
        FakeBrowser stranger = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);

        stranger.send(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        stranger.send(browser.protectRtp(browserVideo(9))); // valid SRTP, but from elsewhere

        Recorder.await("the drops to be counted", () -> factory.dropped(WebRtcDrop.DTLS_FROM_UNKNOWN_ADDRESS) == 1
                && factory.dropped(WebRtcDrop.MEDIA_FROM_UNKNOWN_ADDRESS) == 1);
        assertTrue(recorder.rtp.isEmpty());
    }

    @Test
    void srtpWithABadTagOrReplayedIsDroppedCountedAndNeverDelivered() throws Exception {
        FakeBrowser browser = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);

        byte[] tampered = browser.protectRtp(browserVideo(1));
        tampered[tampered.length - 1] ^= 1;
        byte[] good = browser.protectRtp(browserVideo(2));
        browser.send(tampered);
        browser.send(good);
        browser.send(good); // replay
        browser.send(browser.protectRtp(browserVideo(3)));

        assertEquals(2, recorder.next().packet().sequenceNumber());
        assertEquals(3, recorder.next().packet().sequenceNumber());
        assertEquals(1, transport.dropped(WebRtcDrop.SRTP_AUTH_FAILED));
        assertEquals(1, transport.dropped(WebRtcDrop.SRTP_REPLAYED));
        assertEquals(2, transport.stats(MediaKind.VIDEO).dropped());
        assertTrue(recorder.rtp.isEmpty());
    }

    @Test
    void nothingIsAcceptedOrSentBeforeDtlsCompletes() throws Exception {
        FakeBrowser browser = browser();
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(browser, recorder, "call-1");
        var local = transport.localDescription();
        browser.passIce(local.iceUfrag(), local.icePassword());

        browser.send(browserVideo(1)); // plain RTP from the checked address
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));

        Recorder.await("the early RTP to be counted", () -> transport.dropped(WebRtcDrop.MEDIA_BEFORE_DTLS) == 1);
        assertNull(browser.receiveRawRtp(300), "media left before DTLS completed");
        assertEquals(1, transport.stats(MediaKind.VIDEO).sendDropped());
        assertTrue(recorder.rtp.isEmpty());
    }

    @Test
    void twoBrowsersOnTheOnePortAreKeptApart() throws Exception {
        FakeBrowser alice = browser();
        FakeBrowser bob = browser();
        Recorder toAlice = new Recorder();
        Recorder toBob = new Recorder();
        WebRtcTransport aliceTransport = answeredTransport(alice, toAlice, "call-a");
        WebRtcTransport bobTransport = answeredTransport(bob, toBob, "call-b");
        alice.connect(aliceTransport);
        bob.connect(bobTransport);
        Recorder.await("both handshakes", () -> aliceTransport.isSecured() && bobTransport.isSecured());

        alice.send(alice.protectRtp(browserVideo(100)));
        bob.send(bob.protectRtp(browserVideo(200)));
        bob.send(alice.protectRtp(browserVideo(201))); // alice's keys from bob's address: wrong transport
        aliceTransport.sendRtp(MediaKind.VIDEO, mcuVideo(1));
        bobTransport.sendRtp(MediaKind.VIDEO, mcuVideo(2));

        assertEquals(100, toAlice.next().packet().sequenceNumber());
        assertEquals(200, toBob.next().packet().sequenceNumber());
        alice.send(alice.protectRtp(browserVideo(101)));
        assertEquals(101, toAlice.next().packet().sequenceNumber(), "alice's own next packet still flows");
        assertEquals(1, RtpPacket.parse(alice.receiveRtp(5000)).sequenceNumber());
        assertEquals(2, RtpPacket.parse(bob.receiveRtp(5000)).sequenceNumber());
        Recorder.await("the cross-keyed packet to be refused", () -> bobTransport.dropped(WebRtcDrop.SRTP_AUTH_FAILED) == 1);
        assertTrue(toAlice.rtp.isEmpty() && toBob.rtp.isEmpty());
        assertEquals(aliceTransport.localPort(MediaKind.VIDEO), bobTransport.localPort(MediaKind.VIDEO));
    }

    @Test
    void aBrowserWhoseCertificateIsNotTheOfferedOneNeverGetsMediaThroughAndTheCallIsFailed() throws Exception {
        FakeBrowser impostor = new FakeBrowser(factory.port(), DtlsCertificate.generate("impostor", Duration.ofDays(1)));
        toClose.add(impostor);
        FakeBrowser announced = browser(); // only its fingerprint is used
        Recorder recorder = new Recorder();
        WebRtcTransport transport = answeredTransport(announced, recorder, "call-1");
        AtomicReference<String> failure = new AtomicReference<>();
        transport.setFailureHandler(failure::set);
        var local = transport.localDescription();
        impostor.passIce(local.iceUfrag(), local.icePassword());

        assertThrows(ExecutionException.class, () -> impostor.handshake(SERVER_CERT.fingerprint()));
        Recorder.await("the call to be failed", () -> failure.get() != null);

        assertTrue(failure.get().contains("DTLS"), failure.get());
        assertFalse(transport.isSecured());
    }

    @Test
    void aBrowserWhoseConsentLapsesIsReportedGone() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicReference<String> reportedOn = new AtomicReference<>();
        transport.setFailureHandler(reason -> {
            reportedOn.set(Thread.currentThread().getName());
            failure.set(reason);
        });
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);

        clock.addAndGet(29_000);
        Thread.sleep(1500); // one consent check passes with consent still fresh
        assertNull(failure.get());
        clock.addAndGet(2_000);

        Recorder.await("the lapse to be reported", () -> failure.get() != null);
        assertTrue(failure.get().contains("consent"), failure.get());
        assertEquals(TestTransportThreads.FAILURE_THREAD, reportedOn.get(), "reported on the failure executor");
        assertFalse(transport.isSecured());
    }

    @Test
    void aCheckStillOnItsWayWhenTheTransportClosesDoesNotMapItsAddressAgain() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        var local = transport.localDescription();
        byte[] check = FakeBrowser.bindingRequest(local.iceUfrag() + ":" + FakeBrowser.UFRAG, local.icePassword(), true);

        // The demux looked the transport up by ufrag just before close() ran; the check reaches it after.
        transport.close();
        transport.onStun(check, browser.address());

        browser.send(browser.protectRtp(browserVideo(1)));
        Recorder.await("the packet to be dropped as from an unknown address",
                () -> factory.dropped(WebRtcDrop.MEDIA_FROM_UNKNOWN_ADDRESS) == 1);
        assertEquals(0, factory.dropped(WebRtcDrop.MEDIA_BEFORE_DTLS), "nothing reached the closed transport");
    }

    @Test
    void closingATransportFreesItsUfragAndAddresses() throws Exception {
        FakeBrowser browser = browser();
        WebRtcTransport transport = answeredTransport(browser, new Recorder(), "call-1");
        browser.connect(transport);
        Recorder.await("DTLS to finish on the server", transport::isSecured);
        var local = transport.localDescription();

        transport.close();
        StunMessage afterClose = browser.check(local.iceUfrag() + ":" + FakeBrowser.UFRAG, local.icePassword(), true, 300);
        browser.send(browser.protectRtp(browserVideo(1)));

        assertNull(afterClose);
        Recorder.await("the drops to be counted", () -> factory.dropped(WebRtcDrop.STUN_UNKNOWN_USERNAME) == 1
                && factory.dropped(WebRtcDrop.MEDIA_FROM_UNKNOWN_ADDRESS) == 1);
        assertEquals(0, factory.openTransports());
    }
}
