package dev.mcu.sdp;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an offer says its sender can take of our video: read from real SDP text through the negotiator. */
class ReceiveCapsTest {
    private static final String HEAD = "v=0\r\no=phone 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n";
    private static final String H264 = "a=rtpmap:96 H264/90000\r\n";
    private static final String VP8 = "a=rtpmap:96 VP8/90000\r\n";

    record Case(String name, String sdp, int maxMacroblocks, int maxKbps) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> offers() {
        String video = "m=video 10002 RTP/AVP 96\r\n";
        return Stream.of(
                new Case("nothing stated: no limit", HEAD + video + VP8, 0, 0),
                new Case("b=AS on the m-line", HEAD + video + "b=AS:200\r\n" + VP8, 0, 200),
                new Case("b=AS of the session when the m-line has none", HEAD.replace("t=0 0", "b=AS:300\r\nt=0 0") + video + VP8, 0, 300),
                new Case("the m-line's b=AS before the session's", HEAD.replace("t=0 0", "b=AS:3000\r\nt=0 0") + video + "b=AS:250\r\n" + VP8, 0, 250),
                new Case("b=TIAS in bit/s, rounded up", HEAD + video + "b=TIAS:499500\r\n" + VP8, 0, 500),
                new Case("VP8 max-fs (RFC 7741): CIF", HEAD + video + VP8 + "a=fmtp:96 max-fs=396;max-fr=30\r\n", 396, 0),
                new Case("VP8 max-fs and b=AS together", HEAD + video + "b=AS:600\r\n" + VP8 + "a=fmtp:96 max-fs=1200\r\n", 1200, 600),
                new Case("Chrome's H.264 3.1: 720p, 14 Mbit/s", HEAD + video + H264
                        + "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n", 3600, 14_000),
                new Case("H.264 level 3.0: 1620 macroblocks", HEAD + video + H264 + "a=fmtp:96 profile-level-id=42e01e\r\n", 1620, 10_000),
                new Case("H.264 level 1.2: CIF at 384", HEAD + video + H264 + "a=fmtp:96 profile-level-id=42e00c\r\n", 396, 384),
                new Case("H.264 level 1b (11 with constraint_set3)", HEAD + video + H264 + "a=fmtp:96 profile-level-id=42f00b\r\n", 99, 128),
                new Case("H.264 max-fs above its level counts (RFC 6184)", HEAD + video + H264
                        + "a=fmtp:96 profile-level-id=42e00c;max-fs=920;max-br=600\r\n", 920, 600),
                new Case("H.264 max-fs below its level does not lower it", HEAD + video + H264
                        + "a=fmtp:96 profile-level-id=42e01f;max-fs=99\r\n", 3600, 14_000),
                new Case("H.264 level and a lower b=AS", HEAD + video + "b=AS:200\r\n" + H264
                        + "a=fmtp:96 profile-level-id=42e01f\r\n", 3600, 200),
                new Case("H.264 without profile-level-id is not held to level 1.0", HEAD + video + H264
                        + "a=fmtp:96 packetization-mode=1\r\n", 0, 0),
                new Case("H.264 with an unknown level: no limit from it", HEAD + video + H264 + "a=fmtp:96 profile-level-id=42e063\r\n", 0, 0),
                new Case("b=AS:0 is no limit", HEAD + video + "b=AS:0\r\n" + VP8, 0, 0),
                new Case("a negative b=AS is ignored", HEAD + video + "b=AS:-5\r\n" + VP8, 0, 0),
                new Case("a negative b=TIAS is ignored", HEAD + video + "b=TIAS:-5000\r\n" + VP8, 0, 0),
                new Case("an absurd b=AS is ignored", HEAD + video + "b=AS:9223372036854775807\r\n" + VP8, 0, 0),
                new Case("an absurd b=TIAS is ignored", HEAD + video + "b=TIAS:9223372036854775807\r\n" + VP8, 0, 0),
                new Case("max-fs=0 is ignored", HEAD + video + VP8 + "a=fmtp:96 max-fs=0\r\n", 0, 0),
                new Case("a negative max-fs is ignored", HEAD + video + VP8 + "a=fmtp:96 max-fs=-396\r\n", 0, 0),
                new Case("an absurd max-fs is ignored", HEAD + video + VP8 + "a=fmtp:96 max-fs=99999999999999999999\r\n", 0, 0),
                new Case("a max-fs that is not a number is ignored", HEAD + video + VP8 + "a=fmtp:96 max-fs=cif\r\n", 0, 0));
    }

    @ParameterizedTest
    @MethodSource("offers")
    void theOfferedLimitsReachTheNegotiatedStream(Case c) throws Exception {
        Negotiation n = new SdpNegotiator(MediaCapabilities.defaults()).negotiate(SessionDescription.parse(c.sdp()));
        assertTrue(n.succeeded(), n.refusalSummary());
        NegotiatedStream video = n.accepted(MediaKind.VIDEO).orElseThrow().stream();
        assertEquals(new VideoReceiveCap(c.maxMacroblocks(), c.maxKbps()), video.receiveCap());
    }

    @Test
    void audioCarriesNoVideoCap() throws Exception {
        Negotiation n = new SdpNegotiator(MediaCapabilities.defaults()).negotiate(SessionDescription.parse(
                HEAD + "m=audio 10000 RTP/AVP 0\r\nb=AS:64\r\n"));
        assertEquals(VideoReceiveCap.NONE, n.accepted(MediaKind.AUDIO).orElseThrow().stream().receiveCap());
    }

    @Test
    void theCapReadsOffTheLayersAReceiverMayGet() {
        VideoReceiveCap cif = new VideoReceiveCap(396, 0);
        assertTrue(cif.fits(320, 180, 150));
        assertTrue(cif.fits(352, 288, 5000), "CIF is 22x18 = 396 macroblocks");
        assertFalse(cif.fits(640, 360, 500));
        assertFalse(new VideoReceiveCap(396, 0).fitsSize(1584, 16), "99x1 macroblocks: too wide for sqrt(8*396)");
        VideoReceiveCap level30 = new VideoReceiveCap(1620, 10_000);
        assertTrue(level30.fits(640, 360, 500));
        assertFalse(level30.fits(1280, 720, 1500));
        assertTrue(new VideoReceiveCap(3600, 0).fits(1280, 720, 1500), "level 3.1 is exactly 720p");
        assertFalse(new VideoReceiveCap(0, 200).fits(640, 360, 500));
        assertTrue(new VideoReceiveCap(0, 200).fits(320, 180, 150));
        assertTrue(VideoReceiveCap.NONE.fits(3840, 2160, 50_000));
    }

    @Test
    void anAnswerToOurOfferCarriesItsCapToo() throws Exception {
        SdpNegotiator negotiator = new SdpNegotiator(MediaCapabilities.defaults());
        SessionDescription ours = negotiator.offer(new LocalEndpoint("127.0.0.1",
                kind -> kind == MediaKind.AUDIO ? 40000 : 40002, new LocalOrigin("mcu", "127.0.0.1")));
        int vp8 = ours.media().get(1).payloadTypes().stream()
                .filter(pt -> ours.media().get(1).rtpMap(pt).orElseThrow().encodingName().equals("VP8")).findFirst().orElseThrow();
        String answer = HEAD + "m=audio 10000 RTP/AVP 0\r\na=sendrecv\r\n"
                + "m=video 10002 RTP/AVP " + vp8 + "\r\nb=TIAS:180000\r\na=rtpmap:" + vp8 + " VP8/90000\r\n"
                + "a=fmtp:" + vp8 + " max-fs=240\r\na=sendrecv\r\n";
        Negotiation n = negotiator.processAnswer(ours, SessionDescription.parse(answer));
        assertEquals(new VideoReceiveCap(240, 180), n.accepted(MediaKind.VIDEO).orElseThrow().stream().receiveCap());
    }
}
