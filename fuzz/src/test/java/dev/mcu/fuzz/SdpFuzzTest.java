package dev.mcu.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.MediaKind;
import dev.mcu.sdp.Answer;
import dev.mcu.sdp.LocalEndpoint;
import dev.mcu.sdp.LocalOrigin;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.webrtc.LocalWebRtc;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An INVITE's or a browser's SDP offer, any bytes: parsing either succeeds or throws
 * {@link SdpParseException} (the SIP layer's 400), and negotiation of a parsed offer answers
 * without throwing. What we parsed writes back stably, and whatever answer we write parses again and has one m-line per offered one
 * (RFC 3264 §6), so we never send a peer SDP it must reject.
 */
class SdpFuzzTest {
    private static final SdpNegotiator PLAIN = new SdpNegotiator(MediaCapabilities.defaults());
    private static final SdpNegotiator WEBRTC = PLAIN.forWebRtc();
    private static final LocalEndpoint PLAIN_LOCAL = new LocalEndpoint("127.0.0.1",
            kind -> kind == MediaKind.AUDIO ? 40000 : 40002, new LocalOrigin("mcu", "127.0.0.1"));
    private static final LocalEndpoint WEBRTC_LOCAL = new LocalEndpoint("127.0.0.1", kind -> 40100,
            new LocalOrigin("mcu", "127.0.0.1"), new LocalWebRtc("mcuU", "mcu-password-0123456789ab",
            "sha-256 01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20",
            "127.0.0.1", 40100, "mcucname", "mcuStream", Map.of(MediaKind.AUDIO, 1111L, MediaKind.VIDEO, 2222L),
            Map.of(MediaKind.VIDEO, 3333L)));

    @FuzzTest
    void sdpParseAndNegotiate(byte[] input) throws SdpParseException {
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(new String(input, StandardCharsets.UTF_8));
        } catch (SdpParseException expected) {
            return;
        }
        String once = offer.toString();
        assertEquals(once, SessionDescription.parse(once).toString(), "writing what we parsed is not stable");
        boolean webRtc = SdpNegotiator.isWebRtcOffer(offer);
        Answer answer = webRtc ? WEBRTC.answer(offer, WEBRTC_LOCAL) : PLAIN.answer(offer, PLAIN_LOCAL);
        if (!answer.acceptable()) {
            return;
        }
        String written = answer.sdp().toString();
        SessionDescription reparsed = SessionDescription.parse(written);
        assertEquals(offer.media().size(), reparsed.media().size(), "m-lines of the answer:\n" + written);
        assertTrue(!answer.streams().isEmpty());
    }
}
