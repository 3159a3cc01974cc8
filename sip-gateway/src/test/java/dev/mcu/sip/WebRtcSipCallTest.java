package dev.mcu.sip;

import dev.mcu.transport.testing.TestTransportThreads;
import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.transport.webrtc.Recorder;
import dev.mcu.transport.webrtc.FakeBrowser;
import dev.mcu.transport.webrtc.WebRtcTransportFactory;
import dev.mcu.transport.webrtc.WebRtcTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransport;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.sip.Admission;
import dev.mcu.sip.Call;
import dev.mcu.sip.ConferenceHandler;
import dev.mcu.sip.JoinRequest;
import dev.mcu.sip.SipServer;
import dev.mcu.sip.SipServerConfig;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.webrtc.DtlsCertificate;
import dev.mcu.webrtc.DtlsFingerprint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIP layer picks the WebRTC transport for browsers' offers and hangs up when their media dies. */
class WebRtcSipCallTest {
    final TestSipExecutors executors = new TestSipExecutors();
    private static final String PLAIN_OFFER = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n";

    private final AtomicLong clock = new AtomicLong(5_000_000);
    private final BlockingQueue<Call> started = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> ended = new LinkedBlockingQueue<>();
    private FakeMediaTransportFactory plain;
    private WebRtcTransportFactory webRtc;
    private final TestTransportThreads transportThreads = new TestTransportThreads();
    private SipServer server;
    private SipTestPhone phone;

    @BeforeEach
    void start() throws Exception {
        plain = new FakeMediaTransportFactory(2);
        webRtc = new WebRtcTransportFactory(WebRtcTransportConfig.of(FakeBrowser.LOOPBACK, 0),
                DtlsCertificate.generate("sip-test", Duration.ofDays(1)), clock::get, transportThreads.webRtc());
        int port = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port), new ConferenceHandler() {
            @Override public Admission admit(JoinRequest request) { return Admission.accept(); }
            @Override public void onCallStarted(Call call) { started.add(call); }
            @Override public void onCallUpdated(Call call) { }
            @Override public void onCallAbandoned(JoinRequest request, String reason) { ended.add(reason); }
            @Override public void onCallEnded(Call call, String reason) { ended.add(reason); }
        }, plain, webRtc, new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        phone = new SipTestPhone("127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        phone.close();
        server.close();
        executors.close();
        webRtc.close();
        transportThreads.close();
        plain.close();
    }

    /** Chrome's sample offer carrying the fake browser's ICE credentials and certificate. */
    private static String offerFrom(FakeBrowser browser) throws Exception {
        return WebRtcAnswerTest.chromeVideoOffer()
                .replace("a=ice-ufrag:l5KU", "a=ice-ufrag:" + FakeBrowser.UFRAG)
                .replace("a=ice-pwd:+Sxmm3PoJUERpeHYL0HW4/T9", "a=ice-pwd:" + FakeBrowser.PASSWORD)
                .replaceAll("a=fingerprint:[^\r\n]*", "a=fingerprint:" + browser.fingerprint());
    }

    @Test
    void aBrowsersOfferGetsTheWebRtcTransportAndItsMediaFlowsAfterIceAndDtls() throws Exception {
        try (FakeBrowser browser = new FakeBrowser(webRtc.port())) {
            SipTestPhone.Outgoing call = phone.invite("demo", offerFrom(browser));
            PhoneResponse ok = call.awaitFinal();
            assertEquals(200, ok.status(), ok.reason());
            call.ack();
            Call joined = started.poll(5, TimeUnit.SECONDS);
            assertNotNull(joined);
            Recorder recorder = new Recorder();
            joined.setMediaListener(recorder);

            SessionDescription answer = SessionDescription.parse(ok.body());
            MediaDescription video = answer.media().get(0);
            assertTrue(answer.attributes().has("ice-lite"));
            assertEquals(webRtc.port(), video.port());
            assertEquals(0, plain.created().size(), "the plain RTP factory was not used");
            browser.passIce(video.attributes().value("ice-ufrag").orElseThrow(),
                    video.attributes().value("ice-pwd").orElseThrow());
            browser.handshake(DtlsFingerprint.parse(video.attributes().value("fingerprint").orElseThrow()));
            WebRtcTransport transport = (WebRtcTransport) joined.transport();
            Recorder.await("DTLS on the server", transport::isSecured);
            browser.send(browser.protectRtp(RtpPacket.build(96, false, 7, 700, 0xabcdefL, new byte[] {1, 2})));

            Recorder.Received received = recorder.next();
            assertEquals(MediaKind.VIDEO, received.kind());
            assertEquals(7, received.packet().sequenceNumber());
        }
    }

    @Test
    void aBrowserWhoseConsentLapsesIsHungUpWithABye() throws Exception {
        try (FakeBrowser browser = new FakeBrowser(webRtc.port())) {
            SipTestPhone.Outgoing call = phone.invite("demo", offerFrom(browser));
            PhoneResponse ok = call.awaitFinal();
            assertEquals(200, ok.status(), ok.reason());
            call.ack();
            assertNotNull(started.poll(5, TimeUnit.SECONDS));

            clock.addAndGet(31_000); // no check for 31 s

            assertNotNull(call.awaitByeFromServer(), "no BYE after consent lapsed");
            String reason = ended.poll(5, TimeUnit.SECONDS);
            assertNotNull(reason);
            assertTrue(reason.contains("consent"), reason);
            Recorder.await("the transport to be closed", () -> webRtc.openTransports() == 0);
        }
    }

    @Test
    void aSipPhonesPlainOfferStillGetsThePlainTransport() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", PLAIN_OFFER);
        PhoneResponse ok = call.awaitFinal();

        assertEquals(200, ok.status(), ok.reason());
        assertEquals(1, plain.created().size());
        assertEquals(0, webRtc.openTransports());
        call.ack();
    }
}
