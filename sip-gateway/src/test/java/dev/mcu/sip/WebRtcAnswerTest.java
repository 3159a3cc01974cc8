package dev.mcu.sip;

import dev.mcu.transport.testing.TestTransportThreads;
import dev.mcu.transport.webrtc.FakeBrowser;
import dev.mcu.transport.webrtc.WebRtcTransportFactory;
import dev.mcu.transport.webrtc.WebRtcTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransport;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.sdp.Answer;
import dev.mcu.sdp.LocalEndpoint;
import dev.mcu.sdp.LocalOrigin;
import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.webrtc.DtlsCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our SDP answer to browsers' offers, through the real transport's local description. */
class WebRtcAnswerTest {
    private static final SdpNegotiator PLAIN = new SdpNegotiator(MediaCapabilities.defaults());
    private static final SdpNegotiator WEBRTC = PLAIN.forWebRtc();
    private static WebRtcTransportFactory factory;
    private static TestTransportThreads threads;
    private static WebRtcTransport transport;

    @BeforeAll
    static void start() throws IOException {
        threads = new TestTransportThreads();
        factory = new WebRtcTransportFactory(WebRtcTransportConfig.of(FakeBrowser.LOOPBACK, 0),
                DtlsCertificate.generate("answer-test", Duration.ofDays(1)), System::currentTimeMillis, threads.webRtc());
        transport = factory.create("call-sdp", FakeBrowser.LOOPBACK);
    }

    @AfterAll
    static void stop() {
        factory.close();
        threads.close();
    }

    /** The Chrome sample from /work/shared/samples/sdp, addresses rewritten to 127.0.0.1. */
    static String chromeVideoOffer() throws IOException {
        try (InputStream in = WebRtcAnswerTest.class.getResourceAsStream("/sdp/chrome-video-offer.sdp")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("0.0.0.0", "127.0.0.1");
            return text.replaceAll("\r?\n", "\r\n");
        }
    }

    private static LocalEndpoint local() {
        return new LocalEndpoint("127.0.0.1", transport::localPort, new LocalOrigin("mcu", "127.0.0.1"),
                transport.localDescription());
    }

    /**
     * A Plan B offer, as Chrome wrote them before M96: one m-line per kind named by mid "audio" and
     * "video", tracks told apart only by a=ssrc msid/mslabel/label lines, several ssrcs per m-line.
     */
    static final String PLAN_B_OFFER = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE audio video",
            "a=msid-semantic: WMS stream1",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
            "c=IN IP4 127.0.0.1",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:PlnB",
            "a=ice-pwd:planBpasswordplanBpasswd",
            "a=fingerprint:sha-256 9B:8D:A8:A6:35:52:E0:4A:2E:8E:3D:2A:1C:0B:4A:6B:12:30:0F:63:3A:77:FF:E0:1C:DD:8A:7B:0E:8C:3D:55",
            "a=setup:actpass",
            "a=mid:audio",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:0 PCMU/8000",
            "a=ssrc:1001 cname:planb",
            "a=ssrc:1001 msid:stream1 audio1",
            "a=ssrc:1001 mslabel:stream1",
            "a=ssrc:1001 label:audio1",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
            "c=IN IP4 127.0.0.1",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:PlnB",
            "a=ice-pwd:planBpasswordplanBpasswd",
            "a=fingerprint:sha-256 9B:8D:A8:A6:35:52:E0:4A:2E:8E:3D:2A:1C:0B:4A:6B:12:30:0F:63:3A:77:FF:E0:1C:DD:8A:7B:0E:8C:3D:55",
            "a=setup:actpass",
            "a=mid:video",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
            "a=ssrc-group:FID 2001 2002",
            "a=ssrc:2001 cname:planb",
            "a=ssrc:2001 msid:stream1 video1",
            "a=ssrc:2002 cname:planb",
            "a=ssrc:2002 msid:stream1 video1",
            "a=ssrc:3001 cname:planb",
            "a=ssrc:3001 msid:stream1 screen1",
            "") + "\r\n";

    @Test
    void aPlanBOfferIsAnsweredOnItsMidsWithOneBundledTransport() throws Exception {
        Answer answer = WEBRTC.answer(SessionDescription.parse(PLAN_B_OFFER), local());

        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        SessionDescription sdp = SessionDescription.parse(answer.sdp().toString());
        assertEquals(List.of("BUNDLE audio video"), sdp.attributes().values("group"));
        assertEquals(2, sdp.media().size());
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals("audio", audio.attributes().value("mid").orElseThrow());
        assertEquals("video", video.attributes().value("mid").orElseThrow());
        assertEquals(factory.port(), audio.port());
        assertEquals(factory.port(), video.port());
        assertEquals("opus", audio.rtpMap(111).orElseThrow().encodingName());
        assertEquals("VP8", video.rtpMap(96).orElseThrow().encodingName());
        assertEquals(2, answer.streams().size(), "one audio and one video stream, whatever the number of offered ssrcs");
    }

    @Test
    void chromesVideoOfferGetsAnIceLiteDtlsAnswerOnTheSharedPort() throws Exception {
        SessionDescription offer = SessionDescription.parse(chromeVideoOffer());

        Answer answer = WEBRTC.answer(offer, local());

        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        SessionDescription sdp = SessionDescription.parse(answer.sdp().toString());
        LocalWebRtc ours = transport.localDescription();
        assertTrue(sdp.attributes().has("ice-lite"));
        assertEquals(List.of("BUNDLE video"), sdp.attributes().values("group"));
        MediaDescription video = sdp.media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", video.protocol());
        assertEquals(factory.port(), video.port());
        assertEquals(List.of("96", "97"), video.formats(), "VP8 and its rtx");
        assertEquals("VP8", video.rtpMap(96).orElseThrow().encodingName());
        assertEquals("rtx", video.rtpMap(97).orElseThrow().encodingName());
        assertEquals("96", video.fmtpParameters(97).get("apt"));
        assertEquals(ours.iceUfrag(), video.attributes().value("ice-ufrag").orElseThrow());
        assertEquals(ours.icePassword(), video.attributes().value("ice-pwd").orElseThrow());
        assertEquals(factory.certificate().fingerprint().toString(), video.attributes().value("fingerprint").orElseThrow());
        assertTrue(video.attributes().value("fingerprint").orElseThrow().startsWith("sha-256 "));
        assertEquals("passive", video.attributes().value("setup").orElseThrow());
        assertEquals("1 1 udp 2130706431 127.0.0.1 " + factory.port() + " typ host",
                video.attributes().value("candidate").orElseThrow());
        assertEquals("video", video.mid().orElseThrow());
        assertTrue(video.rtcpMux());
        assertTrue(video.attributes().has("rtcp-rsize"));
        assertEquals(List.of("96 goog-remb", "96 ccm fir", "96 nack", "96 nack pli"),
                video.attributes().values("rtcp-fb"), "transport-cc is not echoed");
        long ssrc = ours.ssrcs().get(MediaKind.VIDEO);
        long rtxSsrc = ours.rtxSsrcs().get(MediaKind.VIDEO);
        String msid = ours.streamId() + " video-" + ours.streamId().toLowerCase();
        assertEquals(List.of(ssrc + " cname:" + ours.cname(), ssrc + " msid:" + msid,
                rtxSsrc + " cname:" + ours.cname(), rtxSsrc + " msid:" + msid), video.attributes().values("ssrc"));
        assertEquals(List.of("FID " + ssrc + " " + rtxSsrc), video.attributes().values("ssrc-group"));
        assertEquals(97, answer.negotiation().accepted().get(0).rtxPayloadType());
        assertTrue(video.attributes().value("msid").orElseThrow().startsWith(ours.streamId() + " "));
        assertEquals("sendrecv", video.directionAttribute().orElseThrow().attribute());
        assertFalse(video.attributes().has("rtcp"), "no separate RTCP port with rtcp-mux");
    }

    @Test
    void theNegotiationCarriesTheBrowsersIceAndDtlsParameters() throws Exception {
        var negotiation = WEBRTC.negotiate(SessionDescription.parse(chromeVideoOffer()));

        assertTrue(negotiation.isWebRtc());
        assertEquals("l5KU", negotiation.webRtc().iceUfrag());
        assertEquals("+Sxmm3PoJUERpeHYL0HW4/T9", negotiation.webRtc().icePassword());
        assertEquals("actpass", negotiation.webRtc().setup());
        assertTrue(negotiation.webRtc().fingerprint().startsWith("sha-256 7C:93:85"));
        assertEquals(Codec.VP8, negotiation.streams().get(0).codec());
    }

    @Test
    void aBundledAudioAndVideoOfferGetsBothOnOnePortInOneBundleGroup() throws Exception {
        String offer = chromeVideoOffer()
                .replace("a=group:BUNDLE video", "a=group:BUNDLE audio video")
                .replace("m=video 9", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0\r\nc=IN IP4 127.0.0.1\r\n"
                        + "a=ice-ufrag:l5KU\r\na=ice-pwd:+Sxmm3PoJUERpeHYL0HW4/T9\r\n"
                        + "a=fingerprint:sha-256 7C:93:85:40:01:07:91:BE:DA:64:A0:37:7E:61:CB:9D:91:9B:44:F6:C9:AC:3B:37:1C:00:15:4C:5A:B5:67:74\r\n"
                        + "a=setup:actpass\r\na=mid:audio\r\na=sendrecv\r\na=rtcp-mux\r\n"
                        + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                        + "a=rtpmap:63 red/48000/2\r\n"
                        + "m=video 9");

        Answer answer = WEBRTC.answer(SessionDescription.parse(offer), local());

        SessionDescription sdp = SessionDescription.parse(answer.sdp().toString());
        assertEquals(List.of("BUNDLE audio video"), sdp.attributes().values("group"));
        assertEquals(2, sdp.media().size());
        assertEquals(sdp.media().get(0).port(), sdp.media().get(1).port());
        assertEquals(List.of("111"), sdp.media().get(0).formats());
        assertFalse(sdp.media().get(0).attributes().has("rtcp-rsize"), "not offered on audio");
        assertEquals(2, answer.streams().size());
    }

    @Test
    void theSamePlainNegotiatorStillRefusesSavpfAndAWebRtcOfferWithoutFingerprintIsRefused() throws Exception {
        SessionDescription chrome = SessionDescription.parse(chromeVideoOffer());
        SessionDescription noFingerprint = SessionDescription.parse(
                chromeVideoOffer().replaceAll("a=fingerprint:[^\r\n]*\r\n", ""));

        assertFalse(PLAIN.negotiate(chrome).succeeded());
        assertFalse(WEBRTC.negotiate(noFingerprint).succeeded());
        assertTrue(WEBRTC.negotiate(noFingerprint).refusalSummary().contains("fingerprint"));
        assertTrue(SdpNegotiator.isWebRtcOffer(chrome));
    }
}
