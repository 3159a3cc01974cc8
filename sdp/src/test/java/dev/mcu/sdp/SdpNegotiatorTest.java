package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpNegotiatorTest {
    private static final String HEAD = "v=0\r\no=phone 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n";
    private static final LocalEndpoint LOCAL = new LocalEndpoint("127.0.0.1",
            kind -> kind == MediaKind.AUDIO ? 40000 : 40002, new LocalOrigin("mcu", "127.0.0.1"));

    /** baresip 1.0: H.264 mode 0 at 96, mode 1 at 97, both 42e01f, then VP8. */
    static final String BARESIP = HEAD
            + "m=audio 10000 RTP/AVP 111 0 8 101\r\n"
            + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 stereo=1;sprop-stereo=1\r\n"
            + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n"
            + "m=video 10002 RTP/AVP 96 97 98\r\nb=AS:1500\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n"
            + "a=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1;profile-level-id=42e01f\r\n"
            + "a=rtpmap:98 VP8/90000\r\na=rtcp-fb:* nack\r\na=rtcp-fb:* nack pli\r\na=rtcp-fb:* goog-remb\r\na=sendrecv\r\n";

    record Case(String name, String offer, MediaCapabilities caps, Codec audio, int audioPt, Codec video, int videoPt,
                int videoMode) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> offers() {
        MediaCapabilities d = MediaCapabilities.defaults();
        return Stream.of(
                new Case("baresip gets Opus and H.264 mode 1 at pt 97", BARESIP, d, Codec.OPUS, 111, Codec.H264, 97, 1),
                new Case("baresip gets H.264 mode 0 at pt 96 when we prefer mode 0", BARESIP,
                        new MediaCapabilities(d.audio(), d.video(), true, 64, 2000, 0x1f, 0, MediaCapabilities.PLAIN_RTP),
                        Codec.OPUS, 111, Codec.H264, 96, 0),
                new Case("a PCMU-only phone gets PCMU", HEAD + "m=audio 10000 RTP/AVP 0\r\n", d, Codec.PCMU, 0, null, -1, -1),
                new Case("static payload types need no rtpmap", HEAD + "m=audio 10000 RTP/AVP 8 0 9\r\n", d, Codec.PCMA, 8, null, -1, -1),
                new Case("the offerer's order wins: G722 before Opus", HEAD + "m=audio 10000 RTP/AVP 9 111\r\na=rtpmap:111 opus/48000/2\r\n",
                        d, Codec.G722, 9, null, -1, -1),
                new Case("H.264 High profile is skipped for VP8", HEAD + "m=video 10002 RTP/AVP 100 101\r\n"
                        + "a=rtpmap:100 H264/90000\r\na=fmtp:100 profile-level-id=640c1f;packetization-mode=1\r\n"
                        + "a=rtpmap:101 VP8/90000\r\n", d, null, -1, Codec.VP8, 101, -1),
                new Case("constrained baseline written as Main with constraint_set1 matches", HEAD + "m=video 10002 RTP/AVP 100\r\n"
                        + "a=rtpmap:100 H264/90000\r\na=fmtp:100 profile-level-id=4d401f;packetization-mode=1\r\n",
                        d, null, -1, Codec.H264, 100, 1),
                new Case("H.264 without fmtp is baseline mode 0", HEAD + "m=video 10002 RTP/AVP 100\r\na=rtpmap:100 H264/90000\r\n",
                        d, null, -1, Codec.H264, 100, 0),
                new Case("packetization-mode 2 is skipped", HEAD + "m=video 10002 RTP/AVP 100 101\r\n"
                        + "a=rtpmap:100 H264/90000\r\na=fmtp:100 profile-level-id=42e01f;packetization-mode=2\r\n"
                        + "a=rtpmap:101 VP8/90000\r\n", d, null, -1, Codec.VP8, 101, -1),
                new Case("opus at the wrong clock rate is not opus", HEAD + "m=audio 10000 RTP/AVP 111 0\r\na=rtpmap:111 opus/8000\r\n",
                        d, Codec.PCMU, 0, null, -1, -1));
    }

    @ParameterizedTest
    @MethodSource("offers")
    void theAnswerPicksTheCodecAUserWouldExpect(Case c) throws Exception {
        Answer answer = new SdpNegotiator(c.caps()).answer(SessionDescription.parse(c.offer()), LOCAL);
        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        Negotiation n = answer.negotiation();
        if (c.audio() != null) {
            NegotiatedStream a = n.accepted(MediaKind.AUDIO).orElseThrow().stream();
            assertEquals(c.audio(), a.codec());
            assertEquals(c.audioPt(), a.payloadType());
        }
        if (c.video() != null) {
            NegotiatedStream v = n.accepted(MediaKind.VIDEO).orElseThrow().stream();
            assertEquals(c.video(), v.codec());
            assertEquals(c.videoPt(), v.payloadType());
            if (c.videoMode() >= 0) {
                assertEquals(c.videoMode(), v.h264PacketizationMode());
            }
            MediaDescription m = answer.sdp().media().get(answer.sdp().media().size() - 1);
            assertEquals(List.of(String.valueOf(c.videoPt())), m.formats());
        }
        // Whatever it chose, our answer parses as SDP again.
        SessionDescription.parse(answer.sdp().toString());
    }

    @Test
    void baresipAnswerEchoesModeOneWithOurProfileAndTheOfferersDtmf() throws Exception {
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(BARESIP), LOCAL);
        SessionDescription sdp = answer.sdp();
        assertEquals("IN IP4 127.0.0.1", sdp.connection().orElseThrow().toString());
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals(40000, audio.port());
        assertEquals(List.of("111", "101"), audio.formats());
        assertEquals("101 telephone-event/8000", audio.rtpMap(101).orElseThrow().value());
        assertEquals("0-15", audio.fmtp(101).orElseThrow().raw());
        assertEquals(101, answer.negotiation().accepted(MediaKind.AUDIO).orElseThrow().stream().telephoneEventPayloadType());
        assertEquals(40002, video.port());
        assertEquals("profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1", video.fmtp(97).orElseThrow().raw());
        assertEquals(List.of("nack", "nack pli"), video.rtcpFeedback(97).stream().map(RtcpFb::kind).toList());
        assertEquals(2000, video.bandwidthKbps());
        assertEquals(Direction.SENDRECV, sdp.direction(video));
        assertEquals(40003, video.rtcp().orElseThrow().port());
        assertFalse(video.rtcpMux());
        NegotiatedStream v = answer.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream();
        assertEquals(1500, v.bandwidthKbps());
        assertEquals("42e01f", v.fmtp().get("profile-level-id"));
    }

    @Test
    void firIsAgreedOnlyWhenTheOfferAsksForIt() throws Exception {
        String video = "m=video 10002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n";
        SdpNegotiator negotiator = new SdpNegotiator(MediaCapabilities.defaults());
        Answer withoutFir = negotiator.answer(SessionDescription.parse(HEAD + video), LOCAL);
        assertFalse(withoutFir.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().firAgreed());
        Answer withFir = negotiator.answer(SessionDescription.parse(HEAD + video + "a=rtcp-fb:96 ccm fir\r\n"), LOCAL);
        assertTrue(withFir.negotiation().accepted(MediaKind.VIDEO).orElseThrow().stream().firAgreed());
        assertTrue(withFir.sdp().toString().contains("a=rtcp-fb:96 ccm fir"), withFir.sdp().toString());
    }

    @Test
    void nothingInCommonGivesNoAnswerAndSaysWhy() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 18 3\r\na=rtpmap:18 G729/8000\r\na=rtpmap:3 GSM/8000\r\n";
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);
        assertFalse(answer.acceptable());
        assertNull(answer.sdp());
        assertTrue(answer.negotiation().refusalSummary().contains("G729/8000"), answer.negotiation().refusalSummary());
        assertEquals(Negotiation.WARN_INCOMPATIBLE_FORMAT, answer.negotiation().warningCode());
    }

    @Test
    void videoIsRefusedWithPortZeroWhenOnlyAudioIsSupported() throws Exception {
        MediaCapabilities audioOnly = MediaCapabilities.defaults().withVideo(List.of());
        Answer answer = new SdpNegotiator(audioOnly).answer(SessionDescription.parse(BARESIP), LOCAL);
        assertTrue(answer.acceptable());
        MediaDescription video = answer.sdp().media().get(1);
        assertEquals("video", video.media());
        assertEquals(0, video.port());
        assertEquals(List.of("96", "97", "98"), video.formats());
        assertEquals(1, answer.streams().size());
    }

    @Test
    void unknownMediaAndSecureProfilesAreRefusedLineByLine() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 0\r\nm=application 5000 UDP/BFCP *\r\n"
                + "m=video 10002 RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\n";
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);
        assertEquals(List.of(40000, 0, 0), answer.sdp().media().stream().map(MediaDescription::port).toList());
        assertEquals("application", answer.sdp().media().get(1).media());
        assertEquals(2, answer.negotiation().refusals().size());
    }

    @Test
    void rtcpMuxIsEchoedWhenOffered() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 0\r\na=rtcp-mux\r\n";
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);
        MediaDescription audio = answer.sdp().media().get(0);
        assertTrue(audio.rtcpMux());
        assertTrue(audio.rtcp().isEmpty());
        assertTrue(answer.negotiation().accepted(MediaKind.AUDIO).orElseThrow().rtcpMux());
    }

    record Hold(String name, String directionLine, String connection, Direction answered) {
        @Override public String toString() { return name; }
    }

    static Stream<Hold> holds() {
        return Stream.of(
                new Hold("sendrecv is answered sendrecv", "a=sendrecv\r\n", "127.0.0.2", Direction.SENDRECV),
                new Hold("no attribute means sendrecv", "", "127.0.0.2", Direction.SENDRECV),
                new Hold("hold (sendonly) is answered recvonly", "a=sendonly\r\n", "127.0.0.2", Direction.RECVONLY),
                new Hold("inactive is answered inactive", "a=inactive\r\n", "127.0.0.2", Direction.INACTIVE),
                new Hold("recvonly is answered sendonly", "a=recvonly\r\n", "127.0.0.2", Direction.SENDONLY),
                new Hold("old-style hold c=0.0.0.0 is answered recvonly", "", "0.0.0.0", Direction.RECVONLY));
    }

    @ParameterizedTest
    @MethodSource("holds")
    void directionIsReversedPerRfc3264(Hold h) throws Exception {
        String offer = "v=0\r\no=phone 1 2 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 " + h.connection() + "\r\nt=0 0\r\n"
                + "m=audio 10000 RTP/AVP 0\r\n" + h.directionLine();
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);
        assertEquals(h.answered(), answer.sdp().direction(answer.sdp().media().get(0)));
        assertEquals(h.answered(), answer.streams().get(0).direction());
    }

    @Test
    void ourOfferIsAnsweredByTheOffererPathAndReadBack() throws Exception {
        SdpNegotiator ours = new SdpNegotiator(MediaCapabilities.defaults());
        SessionDescription offer = ours.offer(LOCAL);
        // A phone (another negotiator that only takes PCMA and VP8) answers our offer.
        SdpNegotiator phone = new SdpNegotiator(MediaCapabilities.defaults().withAudio(List.of(Codec.PCMA)).withVideo(List.of(Codec.VP8)));
        LocalEndpoint phoneSide = new LocalEndpoint("127.0.0.2", k -> k == MediaKind.AUDIO ? 30000 : 30002, new LocalOrigin("phone", "127.0.0.2"));
        Answer phoneAnswer = phone.answer(SessionDescription.parse(offer.toString()), phoneSide);
        assertTrue(phoneAnswer.acceptable());
        Negotiation n = ours.processAnswer(offer, SessionDescription.parse(phoneAnswer.sdp().toString()));
        assertEquals(Codec.PCMA, n.accepted(MediaKind.AUDIO).orElseThrow().stream().codec());
        assertEquals(Codec.VP8, n.accepted(MediaKind.VIDEO).orElseThrow().stream().codec());
        assertEquals(30002, n.accepted(MediaKind.VIDEO).orElseThrow().remotePort());
        assertEquals("127.0.0.2", n.accepted(MediaKind.VIDEO).orElseThrow().remoteHost());
        assertTrue(n.accepted(MediaKind.AUDIO).orElseThrow().rtcpMux());
    }

    @Test
    void anAnswerThatRefusesEverythingIsNotASuccess() throws Exception {
        SdpNegotiator ours = new SdpNegotiator(MediaCapabilities.defaults());
        SessionDescription offer = ours.offer(LOCAL);
        String answer = HEAD + "m=audio 0 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n";
        assertFalse(ours.processAnswer(offer, SessionDescription.parse(answer)).succeeded());
    }

    @Test
    void aPreferredVideoCodecIsTakenWhereverTheOfferListsItAndOnlyIfItDoes() throws Exception {
        String vp8First = HEAD + "m=video 10002 RTP/AVP 98 97\r\na=rtpmap:98 VP8/90000\r\n"
                + "a=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1;profile-level-id=42e01f\r\n";
        SdpNegotiator negotiator = new SdpNegotiator(MediaCapabilities.defaults());
        SessionDescription offer = SessionDescription.parse(vp8First);
        assertEquals(Codec.VP8, negotiator.negotiate(offer).accepted(MediaKind.VIDEO).orElseThrow().stream().codec(),
                "the offerer's order");
        NegotiatedStream h264 = negotiator.negotiate(offer, Codec.H264).accepted(MediaKind.VIDEO).orElseThrow().stream();
        assertEquals(Codec.H264, h264.codec(), "the room's codec, second in the offer");
        assertEquals(97, h264.payloadType());
        SessionDescription vp8Only = SessionDescription.parse(HEAD + "m=video 10002 RTP/AVP 98\r\na=rtpmap:98 VP8/90000\r\n");
        assertEquals(Codec.VP8, negotiator.negotiate(vp8Only, Codec.H264).accepted(MediaKind.VIDEO).orElseThrow().stream().codec(),
                "not offered: what the offer has");
        SessionDescription audio = SessionDescription.parse(HEAD + "m=audio 10000 RTP/AVP 0 9\r\n");
        assertEquals(Codec.PCMU, negotiator.negotiate(audio, Codec.H264).accepted(MediaKind.AUDIO).orElseThrow().stream().codec(),
                "audio keeps the offerer's order");
    }
}
