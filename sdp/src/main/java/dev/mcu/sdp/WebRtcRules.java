package dev.mcu.sdp;

import java.util.Locale;
import java.util.Set;

/**
 * What a UDP/TLS/RTP/SAVPF (browser) m-line must carry before we take it (RFC 8829 as browsers do
 * it): ICE credentials, a usable DTLS fingerprint, an a=setup we can answer, rtcp-mux, and BUNDLE
 * with the first WebRTC m-line; and the feedback we agree to with browsers. Stateless.
 */
final class WebRtcRules {
    /** WebRTC also gets goog-remb: the transport reads the browser's bandwidth estimate. */
    static final Set<String> FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb");

    private WebRtcRules() {
    }

    /** Whether an offer comes from a WebRTC endpoint: some live m-line is UDP/TLS/RTP/SAVPF. */
    static boolean isWebRtcOffer(SessionDescription offer) {
        return offer.media().stream().anyMatch(m -> !m.isRejected() && isWebRtc(m));
    }

    static boolean isWebRtc(MediaDescription m) {
        return MediaCapabilities.WEBRTC_PROTOCOL.equalsIgnoreCase(m.protocol());
    }

    /** Why a UDP/TLS/RTP/SAVPF m-line cannot be taken, or {@code null} when it can. */
    static String webRtcRefusal(SessionDescription offer, MediaDescription m, boolean notFirst,
                                        String firstMid) {
        if (webRtcAttribute(offer, m, "ice-ufrag") == null || webRtcAttribute(offer, m, "ice-pwd") == null) {
            return "WebRTC without ICE credentials (a=ice-ufrag, a=ice-pwd)";
        }
        if (!usableFingerprint(webRtcAttribute(offer, m, "fingerprint"))) {
            return "WebRTC without a usable a=fingerprint";
        }
        String setup = setupOf(offer, m);
        if (!Set.of("actpass", "active", "passive").contains(setup)) {
            return "cannot answer a=setup:" + setup;
        }
        if (!m.rtcpMux()) {
            return "WebRTC without a=rtcp-mux is not supported";
        }
        if (notFirst && !bundledTogether(offer, firstMid, m.mid().orElse(null))) {
            return "WebRTC media must be bundled (a=group:BUNDLE) with the first m-line";
        }
        return null;
    }

    private static boolean usableFingerprint(String value) {
        if (value == null) {
            return false;
        }
        try {
            dev.mcu.webrtc.DtlsFingerprint.parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean bundledTogether(SessionDescription offer, String firstMid, String mid) {
        return firstMid != null && mid != null && offer.groups().stream()
                .anyMatch(g -> g.semantics().equalsIgnoreCase("BUNDLE") && g.mids().contains(firstMid) && g.mids().contains(mid));
    }

    /** A media-level attribute, else the session-level one (ICE and DTLS attributes may be either). */
    private static String webRtcAttribute(SessionDescription offer, MediaDescription m, String name) {
        return m.attributes().value(name).or(() -> offer.attributes().value(name)).map(String::trim)
                .filter(v -> !v.isEmpty()).orElse(null);
    }

    /** The offer's a=setup; absent means active (RFC 4145 §4). */
    private static String setupOf(SessionDescription offer, MediaDescription m) {
        String setup = webRtcAttribute(offer, m, "setup");
        return setup == null ? "active" : setup.toLowerCase(Locale.ROOT);
    }

    static RemoteWebRtc remoteWebRtc(SessionDescription offer, MediaDescription m) {
        return new RemoteWebRtc(webRtcAttribute(offer, m, "ice-ufrag"), webRtcAttribute(offer, m, "ice-pwd"),
                webRtcAttribute(offer, m, "fingerprint"), setupOf(offer, m));
    }
}
