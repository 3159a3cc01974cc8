package dev.mcu.sdp;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.webrtc.LocalWebRtc;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * abs-send-time on video: taken with the id the offer gave it, echoed in the answer (RFC 8285 §6),
 * and handed to the transport, which writes it into every video packet it sends.
 */
class AbsSendTimeExtmapTest {
    private static final String HEAD = "v=0\r\no=phone 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n";
    private static final SdpNegotiator PLAIN = new SdpNegotiator(MediaCapabilities.defaults());
    private static final LocalWebRtc WEBRTC_SIDE = new LocalWebRtc("mcuU", "mcu-password-0123456789ab",
            "sha-256 01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20",
            "127.0.0.1", 40100, "mcucname", "mcuStream", Map.of(MediaKind.AUDIO, 1111L, MediaKind.VIDEO, 2222L),
            Map.of(MediaKind.VIDEO, 3333L));
    private static final LocalEndpoint WEBRTC_LOCAL = new LocalEndpoint("127.0.0.1", kind -> 40100,
            new LocalOrigin("mcu", "127.0.0.1"), WEBRTC_SIDE);
    private static final LocalEndpoint PLAIN_LOCAL = new LocalEndpoint("127.0.0.1",
            kind -> kind == MediaKind.AUDIO ? 40000 : 40002, new LocalOrigin("mcu", "127.0.0.1"));

    @Test
    void chromesVideoLineGetsAbsSendTimeUnderItsOwnIdAndNoOtherExtension() throws Exception {
        Answer answer = PLAIN.forWebRtc().answer(SessionDescription.parse(AudioLevelExtmapTest.chromeAudioVideoOffer()),
                WEBRTC_LOCAL);
        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        SessionDescription sdp = SessionDescription.parse(answer.sdp().toString());
        assertEquals(List.of("2 " + AbsSendTime.URI), sdp.media().get(1).attributes().values("extmap"),
                "toffset, transport-cc, playout-delay, mid ... are not echoed");
        NegotiatedStream video = answer.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream();
        assertEquals(2, video.absSendTimeExtensionId());
        assertTrue(video.hasAbsSendTime());
        NegotiatedStream audio = answer.negotiation().accepted(MediaKind.AUDIO).orElseThrow().stream();
        assertFalse(audio.hasAbsSendTime(), "audio has no bandwidth estimate to feed");
        assertFalse(sdp.media().get(0).attributes().values("extmap").contains("2 " + AbsSendTime.URI));
    }

    @Test
    void anOffererThatOnlySendsItDoesNotGetItAndOneThatOnlyReceivesItGetsSendonly() throws Exception {
        String video = "m=video 10002 RTP/AVPF 96\r\na=rtpmap:96 VP8/90000\r\n";
        Answer sendonly = PLAIN.answer(SessionDescription.parse(HEAD + video
                + "a=extmap:5/sendonly " + AbsSendTime.URI + "\r\n"), PLAIN_LOCAL);
        assertFalse(sendonly.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().hasAbsSendTime());
        assertEquals(List.of(), sendonly.sdp().media().get(0).attributes().values("extmap"));

        Answer recvonly = PLAIN.answer(SessionDescription.parse(HEAD + video
                + "a=extmap:5/recvonly " + AbsSendTime.URI + "\r\n"), PLAIN_LOCAL);
        assertEquals(5, recvonly.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().absSendTimeExtensionId());
        assertEquals(List.of("5/sendonly " + AbsSendTime.URI), recvonly.sdp().media().get(0).attributes().values("extmap"));
    }

    @Test
    void anOfferWithoutItGetsNoneAndAnAnswerToOurOfferCannotAgreeIt() throws Exception {
        Answer none = PLAIN.answer(SessionDescription.parse(HEAD + "m=video 10002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"),
                PLAIN_LOCAL);
        assertFalse(none.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().hasAbsSendTime());

        SessionDescription ours = PLAIN.offer(PLAIN_LOCAL);
        MediaDescription ourVideo = ours.media().get(1);
        int vp8 = ourVideo.payloadTypes().stream()
                .filter(pt -> ourVideo.rtpMap(pt).orElseThrow().encodingName().equals("VP8")).findFirst().orElseThrow();
        String answer = HEAD + "m=audio 0 RTP/AVP 0\r\nm=video 10002 RTP/AVP " + vp8 + "\r\na=rtpmap:" + vp8
                + " VP8/90000\r\na=extmap:2 " + AbsSendTime.URI + "\r\n";
        Negotiation n = PLAIN.processAnswer(ours, SessionDescription.parse(answer));
        assertFalse(n.accepted(MediaKind.VIDEO).orElseThrow().stream().hasAbsSendTime(), "our offers carry none");
    }
}
