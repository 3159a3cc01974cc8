package dev.mcu.sdp;

import dev.mcu.media.MediaKind;
import dev.mcu.webrtc.SrtpProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SDES (RFC 4568): which a=crypto lines we take, and what our answer says back. */
class SdesNegotiationTest {
    private static final String HEAD = "v=0\r\no=phone 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n";
    private static final LocalEndpoint LOCAL = new LocalEndpoint("127.0.0.1",
            kind -> kind == MediaKind.AUDIO ? 40000 : 40002, new LocalOrigin("mcu", "127.0.0.1"));
    /** 30 bytes: a 16-byte AES key and a 14-byte salt. */
    private static final String KEY_80 = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});

    @Test
    void anSrtpOfferIsAnsweredWithSrtpAndAFreshKeyUnderTheFirstSuiteWeKnow() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" + KEY_80 + KEY_80 + "\r\n"
                + "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "|2^31\r\n";
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);

        assertTrue(answer.acceptable(), answer.negotiation().refusalSummary());
        MediaDescription audio = answer.sdp().media().get(0);
        assertEquals("RTP/SAVP", audio.protocol());
        List<String> crypto = audio.attributes().values("crypto");
        assertEquals(1, crypto.size(), "one key answered: " + crypto);
        SdesCrypto ours = SdesCrypto.parse(crypto.get(0)).orElseThrow();
        assertEquals(2, ours.tag(), "answered under the tag of the offer line we took");
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, ours.profile());
        SdesCrypto.Pair keys = answer.negotiation().accepted(MediaKind.AUDIO).orElseThrow().sdes();
        assertArrayEquals(ours.masterKey(), keys.local().masterKey(), "the key we answered is the key we protect with");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, keys.remote().masterKey());
        assertNotEquals(KEY_80, crypto.get(0).split("inline:")[1], "our key is our own");
        assertFalse(keys.toString().contains(KEY_80) || keys.local().toString().contains("inline"), "keys never print");
    }

    @Test
    void aReInviteIsAnsweredWithTheKeyWeAlreadySendWith() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "\r\n";
        SdpNegotiator negotiator = new SdpNegotiator(MediaCapabilities.defaults());
        SdesCrypto ours = SdesCrypto.random(1, SrtpProfile.AES128_CM_HMAC_SHA1_80);
        Negotiation again = negotiator.negotiate(SessionDescription.parse(offer)).keepingLocalKeys(java.util.Map.of(MediaKind.AUDIO, ours));
        SdesCrypto answered = SdesCrypto.parse(negotiator.answer(SessionDescription.parse(offer), again, LOCAL)
                .media().get(0).attributes().values("crypto").get(0)).orElseThrow();
        assertArrayEquals(ours.masterKey(), answered.masterKey(), "the same key, so the phone need not switch");
        assertEquals(3, answered.tag(), "under the tag of the new offer's line");
        assertEquals(ours.masterKeyForTransport(), again.accepted(MediaKind.AUDIO).orElseThrow().sdes().local().masterKeyForTransport(),
                "and the transport sees the same key, so it keeps its SRTP state");
    }

    @Test
    void srtpWithoutAUsableKeyIsRefusedWithTheReason() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "|2^20|1:4\r\n";
        Answer answer = new SdpNegotiator(MediaCapabilities.defaults()).answer(SessionDescription.parse(offer), LOCAL);
        assertFalse(answer.acceptable());
        assertTrue(answer.negotiation().refusalSummary().contains("a=crypto"), answer.negotiation().refusalSummary());
    }

    @Test
    void requiringEncryptionRefusesPlainRtpAndSaysWhatItTakes() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        SdpNegotiator strict = new SdpNegotiator(MediaCapabilities.defaults().withProtocols(MediaCapabilities.SDES_SRTP));
        Answer answer = strict.answer(SessionDescription.parse(offer), LOCAL);
        assertFalse(answer.acceptable());
        assertTrue(answer.negotiation().refusalSummary().contains("RTP/SAVP"), answer.negotiation().refusalSummary());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA",                                  // key too short
            "1 AES_CM_128_HMAC_SHA1_80 inline:!!!notbase64!!!",
            "1 AES_CM_128_HMAC_SHA1_32 inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e",   // a suite we do not do
            "1 AES_CM_128_HMAC_SHA1_80 inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e UNENCRYPTED_SRTP",
            "1 AES_CM_128_HMAC_SHA1_80 inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e|2^20|1:4",  // MKI
            "1234567890 AES_CM_128_HMAC_SHA1_80 inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e",  // tag too long
            "x AES_CM_128_HMAC_SHA1_80 inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e",
            "1 AES_CM_128_HMAC_SHA1_80 uri:https://keys.example/1",
    })
    void whatWeDoNotTakeIsNotParsedAsAKey(String value) {
        assertTrue(SdesCrypto.parse(value).isEmpty(), value);
    }

    @Test
    void aKeyWeWriteReadsBackTheSame() {
        SdesCrypto key = SdesCrypto.random(7, SrtpProfile.AEAD_AES_128_GCM);
        SdesCrypto read = SdesCrypto.parse(key.value()).orElseThrow();
        assertEquals(7, read.tag());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, read.profile());
        assertArrayEquals(key.masterKey(), read.masterKey());
        assertArrayEquals(key.masterSalt(), read.masterSalt());
    }
    @Test
    void withoutPlainRtpOurOwnOfferIsSrtpWithAKeyPerStreamAndTheAnswerKeysBothDirections() throws Exception {
        SdpNegotiator strict = new SdpNegotiator(MediaCapabilities.defaults().withProtocols(MediaCapabilities.SDES_SRTP));
        SessionDescription offer = strict.offer(LOCAL);

        assertEquals(2, offer.media().size());
        for (MediaDescription m : offer.media()) {
            assertEquals("RTP/SAVP", m.protocol(), "encryption is required, so our offer is SRTP:\n" + offer);
            List<String> crypto = m.attributes().values("crypto");
            assertEquals(1, crypto.size(), offer.toString());
            SdesCrypto key = SdesCrypto.parse(crypto.get(0)).orElseThrow();
            assertEquals(1, key.tag());
            assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, key.profile(), "the suite every SDES phone has");
        }
        String audioKey = offer.media().get(0).attributes().values("crypto").get(0);
        assertNotEquals(audioKey, offer.media().get(1).attributes().values("crypto").get(0), "each stream its own key");

        String answer = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "\r\n"
                + "m=video 0 RTP/SAVP 96\r\n";
        Negotiation agreed = strict.processAnswer(offer, SessionDescription.parse(answer));
        assertTrue(agreed.succeeded(), agreed.refusalSummary());
        SdesCrypto.Pair keys = agreed.accepted(MediaKind.AUDIO).orElseThrow().sdes();
        assertArrayEquals(SdesCrypto.parse(audioKey).orElseThrow().masterKey(), keys.local().masterKey(),
                "we protect with the key we offered, the one the phone has");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, keys.remote().masterKey(),
                "and unprotect with the phone's");
    }

    @Test
    void anSrtpOfferAnsweredWithPlainRtpOrWithoutOurKeyIsRefusedWithTheReason() throws Exception {
        SdpNegotiator strict = new SdpNegotiator(MediaCapabilities.defaults().withProtocols(MediaCapabilities.SDES_SRTP));
        SessionDescription offer = strict.offer(LOCAL);
        String plain = HEAD + "m=audio 10000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\nm=video 0 RTP/AVP 96\r\n";
        Negotiation refused = strict.processAnswer(offer, SessionDescription.parse(plain));
        assertFalse(refused.succeeded());
        assertTrue(refused.refusalSummary().contains("RTP/AVP is not our offer's RTP/SAVP"), refused.refusalSummary());

        String otherTag = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "\r\nm=video 0 RTP/SAVP 96\r\n";
        Negotiation wrongTag = strict.processAnswer(offer, SessionDescription.parse(otherTag));
        assertFalse(wrongTag.succeeded());
        assertTrue(wrongTag.refusalSummary().contains("no a=crypto for one of our keys"), wrongTag.refusalSummary());
    }

    @Test
    void whilePlainRtpIsTakenOurOwnOfferStaysPlain() {
        SessionDescription offer = new SdpNegotiator(MediaCapabilities.defaults()).offer(LOCAL);
        for (MediaDescription m : offer.media()) {
            assertEquals("RTP/AVP", m.protocol());
            assertTrue(m.attributes().values("crypto").isEmpty(), offer.toString());
        }
    }
    @Test
    void aViewOnlyAttendeeOnSrtpKeepsItsKeys() throws Exception {
        String offer = HEAD + "m=audio 10000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80 + "\r\n";
        SdpNegotiator negotiator = new SdpNegotiator(MediaCapabilities.defaults());
        Negotiation viewOnly = negotiator.negotiate(SessionDescription.parse(offer)).viewOnly();
        assertTrue(viewOnly.accepted(MediaKind.AUDIO).orElseThrow().sdes() != null, "the transport is still keyed");
        MediaDescription answered = negotiator.answer(SessionDescription.parse(offer), viewOnly, LOCAL).media().get(0);
        assertEquals("RTP/SAVP", answered.protocol());
        assertEquals(1, answered.attributes().values("crypto").size(), "and the answer still carries our key");
    }
}
