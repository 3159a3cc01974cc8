package dev.mcu.sdp;

import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.media.NegotiatedStream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The WebRTC lines of our answer (RFC 8829 §5.3, RFC 8839, RFC 8842, RFC 8843): ICE-lite with one
 * host candidate on the shared port, our certificate fingerprint and DTLS role, BUNDLE, rtcp-mux,
 * rtx (RFC 4588) when the offer pairs one with the chosen codec
 * (and rtcp-rsize when offered), and a=msid / a=ssrc for what we send. Stateless.
 */
final class WebRtcAnswer {
    /** RFC 8445 §5.1.2.1 priority of a host candidate: type preference 126, local preference 65535, component 1. */
    private static final long HOST_PRIORITY = (126L << 24) | (65535L << 8) | 255;

    private WebRtcAnswer() {
    }

    static void addSessionAttributes(SessionDescription answer, SessionDescription offer, Negotiation negotiation,
                                     LocalWebRtc local) {
        Attributes attrs = answer.attributes();
        attrs.addProperty("ice-lite");
        List<String> mids = new ArrayList<>();
        for (AcceptedMedia a : negotiation.accepted()) {
            offer.media().get(a.mLineIndex()).mid().ifPresent(mids::add);
        }
        boolean offeredBundle = offer.groups().stream().anyMatch(g -> g.semantics().equalsIgnoreCase("BUNDLE"));
        if (offeredBundle && !mids.isEmpty()) {
            attrs.add("group", "BUNDLE " + String.join(" ", mids));
        }
        attrs.add("msid-semantic", " WMS " + local.streamId());
    }

    static void addMediaAttributes(MediaDescription section, MediaDescription offered, RemoteWebRtc remote,
                                   LocalWebRtc local, AcceptedMedia accepted) {
        NegotiatedStream stream = accepted.stream();
        Attributes attrs = section.attributes();
        int rtx = accepted.rtxPayloadType();
        if (rtx >= 0) {
            section.formats().add(String.valueOf(rtx));
            attrs.add("rtpmap", rtx + " rtx/" + stream.codec().rtpClockRate());
            attrs.add("fmtp", rtx + " apt=" + stream.payloadType());
        }
        attrs.add("ice-ufrag", local.iceUfrag());
        attrs.add("ice-pwd", local.icePassword());
        attrs.add("fingerprint", local.fingerprint());
        attrs.add("setup", remote.answerSetup());
        attrs.add("candidate", "1 1 udp " + HOST_PRIORITY + " " + local.candidateAddress() + " "
                + local.candidatePort() + " typ host");
        attrs.addProperty("end-of-candidates");
        if (offered.attributes().has("rtcp-rsize")) {
            attrs.addProperty("rtcp-rsize");
        }
        Long ssrc = local.ssrcs().get(stream.kind());
        if (stream.direction().sends() && ssrc != null) {
            String track = stream.kind().sdpName() + "-" + local.streamId().toLowerCase(Locale.ROOT);
            attrs.add("msid", local.streamId() + " " + track);
            Long rtxSsrc = rtx >= 0 ? local.rtxSsrcs().get(stream.kind()) : null;
            if (rtxSsrc != null) {
                attrs.add("ssrc-group", "FID " + ssrc + " " + rtxSsrc);
            }
            for (Long s : rtxSsrc == null ? List.of(ssrc) : List.of(ssrc, rtxSsrc)) {
                attrs.add("ssrc", s + " cname:" + local.cname());
                attrs.add("ssrc", s + " msid:" + local.streamId() + " " + track);
            }
        }
    }
}
