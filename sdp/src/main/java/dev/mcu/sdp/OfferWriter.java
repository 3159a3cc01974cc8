package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.webrtc.SrtpProfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes our own offer (for an INVITE without SDP). Stateless and thread-safe. */
final class OfferWriter {
    // Payload types we use in our own offers.
    private static final int PT_OPUS = 111;
    private static final int PT_H264_MODE1 = 96;
    private static final int PT_H264_MODE0 = 97;
    private static final int PT_VP8 = 98;
    private static final int PT_TELEPHONE_EVENT_8K = 101;
    private static final int PT_TELEPHONE_EVENT_48K = 110;

    private static final String PLAIN_PROTOCOL = "RTP/AVP";
    private static final String SRTP_PROTOCOL = "RTP/SAVP";
    /** Our offers carry one key per m-line: the answer names it by this tag (RFC 4568 §7.1.2). */
    static final int OFFERED_CRYPTO_TAG = 1;

    private final MediaCapabilities capabilities;

    OfferWriter(MediaCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    /**
     * Our offer, for an INVITE that came without SDP (we offer in the 200 OK and the answer comes in
     * the ACK): every codec we support, ours first, offering rtcp-mux. When plain RTP is not among the
     * protocols we take ({@code media.requireEncryption}), each m-line is RTP/SAVP with a fresh SDES key
     * of its own (RFC 4568), so such a call is encrypted like one whose INVITE carried an SRTP offer.
     */
    SessionDescription offer(LocalEndpoint local) {
        boolean encrypted = offersSrtp(capabilities);
        SessionDescription sdp = SdpFormats.newSession(local);
        for (MediaKind kind : MediaKind.values()) {
            if (capabilities.codecs(kind).isEmpty()) {
                continue;
            }
            int port = local.ports().applyAsInt(kind);
            MediaDescription m = new MediaDescription(kind.sdpName(), port,
                    encrypted ? SRTP_PROTOCOL : PLAIN_PROTOCOL, List.of());
            Attributes attrs = m.attributes();
            for (Codec c : capabilities.codecs(kind)) {
                for (int pt : offeredPayloadTypes(c)) {
                    m.formats().add(String.valueOf(pt));
                    attrs.add("rtpmap", new RtpMap(pt, c.encodingName(), c.rtpClockRate(), c == Codec.OPUS ? 2 : 0).value());
                    Map<String, String> fmtp = c == Codec.H264
                            ? h264OfferFmtp(pt == PT_H264_MODE1 ? 1 : 0) : SdpFormats.localFmtp(capabilities, c, Map.of());
                    if (!fmtp.isEmpty()) {
                        attrs.add("fmtp", Fmtp.of(pt, fmtp).value());
                    }
                    if (kind == MediaKind.VIDEO) {
                        for (String fb : List.of("nack", "nack pli", "ccm fir")) {
                            attrs.add("rtcp-fb", pt + " " + fb);
                        }
                    }
                }
            }
            if (kind == MediaKind.AUDIO && capabilities.telephoneEvent()) {
                boolean opus = capabilities.audio().contains(Codec.OPUS);
                int[][] events = opus ? new int[][] {{PT_TELEPHONE_EVENT_48K, 48000}, {PT_TELEPHONE_EVENT_8K, 8000}}
                        : new int[][] {{PT_TELEPHONE_EVENT_8K, 8000}};
                for (int[] e : events) {
                    m.formats().add(String.valueOf(e[0]));
                    attrs.add("rtpmap", new RtpMap(e[0], Codec.TELEPHONE_EVENT.encodingName(), e[1], 0).value());
                    attrs.add("fmtp", e[0] + " " + SdpFormats.TELEPHONE_EVENT_EVENTS);
                }
            }
            if (kind == MediaKind.AUDIO) {
                attrs.add("ptime", "20");
            }
            if (capabilities.receiveKbps(kind) > 0) {
                m.bandwidths().add(new Bandwidth(Bandwidth.AS, capabilities.receiveKbps(kind)));
            }
            if (encrypted) {
                attrs.add("crypto", SdesCrypto.random(OFFERED_CRYPTO_TAG, SrtpProfile.AES128_CM_HMAC_SHA1_80).value());
            }
            attrs.add("rtcp", new RtcpAddress(port + 1, Connection.ip(local.address())).value());
            attrs.addProperty("rtcp-mux");
            attrs.addProperty(Direction.SENDRECV.attribute());
            sdp.media().add(m);
        }
        local.origin().stamp(sdp);
        return sdp;
    }

    /** Whether our offers are SDES-SRTP: plain RTP is not taken, SDES-keyed SRTP is. */
    static boolean offersSrtp(MediaCapabilities capabilities) {
        return !capabilities.protocols().contains(PLAIN_PROTOCOL) && capabilities.protocols().contains(SRTP_PROTOCOL);
    }

    private int[] offeredPayloadTypes(Codec c) {
        return switch (c) {
            case H264 -> capabilities.h264PacketizationMode() == 1
                    ? new int[] {PT_H264_MODE1, PT_H264_MODE0} : new int[] {PT_H264_MODE0, PT_H264_MODE1};
            case OPUS -> new int[] {PT_OPUS};
            case VP8 -> new int[] {PT_VP8};
            default -> new int[] {c.staticPayloadType()};
        };
    }

    private Map<String, String> h264OfferFmtp(int mode) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("profile-level-id", capabilities.h264ProfileLevelId(capabilities.h264LevelIdc()));
        f.put("packetization-mode", String.valueOf(mode));
        f.put("level-asymmetry-allowed", "1");
        return f;
    }
}
