package dev.mcu.sdp;

import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.media.MediaKind;
import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 6464 audio level (a=extmap ... urn:ietf:params:rtp-hdrext:ssrc-audio-level) is echoed
 * with the offered id (RFC 8285 §6) and handed to the application; no other extension is.
 */
class AudioLevelExtmapTest {
    private static final String URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
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

    /** Chrome's audio+video offer (audio level at id 1, three more extensions), addresses on 127.0.0.1. */
    static String chromeAudioVideoOffer() throws IOException {
        try (InputStream in = AudioLevelExtmapTest.class.getResourceAsStream("/sdp/chrome-audio-video-offer.sdp")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("0.0.0.0", "127.0.0.1");
            return text.replaceAll("\r?\n", "\r\n");
        }
    }

    @Test
    void chromesAudioLineGetsItsAudioLevelIdEchoedAndNothingElse() throws Exception {
        SessionDescription offer = SessionDescription.parse(chromeAudioVideoOffer());

        Answer answer = PLAIN.forWebRtc().answer(offer, WEBRTC_LOCAL);

        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        SessionDescription sdp = SessionDescription.parse(answer.sdp().toString());
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals(List.of("1 " + URI), audio.attributes().values("extmap"),
                "abs-send-time, transport-cc and sdes:mid are not echoed");
        assertEquals(List.of("2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
                video.attributes().values("extmap"), "on video only abs-send-time (AbsSendTimeExtmapTest)");
        NegotiatedStream audioStream = answer.negotiation().accepted(MediaKind.AUDIO).orElseThrow().stream();
        assertEquals(1, audioStream.audioLevelExtensionId());
        assertTrue(audioStream.hasAudioLevelExtension());
        assertEquals(-1, answer.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().audioLevelExtensionId());
    }

    @Test
    void aPlainRtpAvpOfferWithTheExtmapGetsItToo() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 0 101\r\n"
                + "a=extmap:7 " + URI + " vad=on\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

        Answer answer = PLAIN.answer(SessionDescription.parse(offer), PLAIN_LOCAL);

        MediaDescription audio = SessionDescription.parse(answer.sdp().toString()).media().get(0);
        assertEquals(List.of("7 " + URI), audio.attributes().values("extmap"), "same id; vad is not echoed");
        assertEquals(7, answer.streams().get(0).audioLevelExtensionId());
    }

    @Test
    void anOfferedSendonlyExtensionIsAnsweredRecvonly() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 0\r\na=extmap:3/sendonly " + URI + "\r\n";

        Answer answer = PLAIN.answer(SessionDescription.parse(offer), PLAIN_LOCAL);

        assertEquals(List.of("3/recvonly " + URI), answer.sdp().media().get(0).attributes().values("extmap"));
        assertEquals(3, answer.streams().get(0).audioLevelExtensionId());
    }

    @Test
    void anExtensionTheOffererWillNotSendIsNotTakenAndAnOfferWithoutOneGetsNone() throws Exception {
        String recvonly = HEAD + "m=audio 10000 RTP/AVP 0\r\na=extmap:3/recvonly " + URI + "\r\n";
        String none = HEAD + "m=audio 10000 RTP/AVP 0\r\n";
        String badId = HEAD + "m=audio 10000 RTP/AVP 0\r\na=extmap:0 " + URI + "\r\n";

        for (String offer : List.of(recvonly, none, badId)) {
            Answer answer = PLAIN.answer(SessionDescription.parse(offer), PLAIN_LOCAL);
            assertFalse(answer.sdp().media().get(0).attributes().has("extmap"), offer);
            assertEquals(-1, answer.streams().get(0).audioLevelExtensionId(), offer);
        }
    }

    @Test
    void ourOwnOfferCarriesNoExtensionSoAnAnswerCannotAgreeOne() throws Exception {
        SessionDescription ours = PLAIN.offer(PLAIN_LOCAL);
        String answer = HEAD + "m=audio 30000 RTP/AVP 0\r\na=extmap:1 " + URI + "\r\nm=video 0 RTP/AVP 96\r\n";

        Negotiation n = PLAIN.processAnswer(ours, SessionDescription.parse(answer));

        assertEquals(-1, n.accepted(MediaKind.AUDIO).orElseThrow().stream().audioLevelExtensionId());
    }

    @Test
    void theOlderConstructorsMeanNoExtension() {
        NegotiatedStream seven = new NegotiatedStream(MediaKind.AUDIO, dev.mcu.media.Codec.PCMU, 0, Map.of(), -1,
                Direction.SENDRECV, 0);
        NegotiatedStream eight = new NegotiatedStream(MediaKind.AUDIO, dev.mcu.media.Codec.PCMU, 0, Map.of(), -1,
                Direction.SENDRECV, 0, true);

        assertEquals(-1, seven.audioLevelExtensionId());
        assertEquals(-1, eight.audioLevelExtensionId());
        assertFalse(eight.hasAudioLevelExtension());
    }

    @Test
    void extmapLinesParseWithAndWithoutDirectionAndAttributes() {
        assertEquals(new Extmap(1, null, URI, null), Extmap.parse("1 " + URI).orElseThrow());
        assertEquals(new Extmap(12, Direction.SENDONLY, URI, "vad=on"), Extmap.parse("12/sendonly " + URI + " vad=on").orElseThrow());
        assertEquals("12/recvonly " + URI, Extmap.parse("12/sendonly " + URI + " vad=on").orElseThrow().answerForReceiving().value());
        assertTrue(Extmap.parse("x " + URI).isEmpty());
        assertTrue(Extmap.parse("1/sideways " + URI).isEmpty());
        assertTrue(Extmap.parse("256 " + URI).isEmpty());
        assertTrue(Extmap.parse("1").isEmpty());
    }
}
