package dev.mcu.sdp;

import dev.mcu.media.MediaKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes our answer to an offer we matched: one m-line per offered one, refused ones with port 0
 * (RFC 3264 §6), accepted ones naming the one payload type we chose (plus telephone-event), so the
 * remote never switches codecs under the shared encoder. Stateless and thread-safe.
 */
final class AnswerWriter {
    private final MediaCapabilities capabilities;

    AnswerWriter(MediaCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    SessionDescription write(SessionDescription offer, Negotiation negotiation, LocalEndpoint local) {
        SessionDescription answer = SdpFormats.newSession(local);
        if (negotiation.isWebRtc()) {
            if (local.webRtc() == null) {
                throw new IllegalArgumentException("a WebRTC offer needs a WebRTC transport to answer it");
            }
            WebRtcAnswer.addSessionAttributes(answer, offer, negotiation, local.webRtc());
        }
        List<MediaDescription> offered = offer.media();
        for (int i = 0; i < offered.size(); i++) {
            MediaDescription m = offered.get(i);
            Optional<AcceptedMedia> accepted = negotiation.acceptedAt(i);
            if (accepted.isEmpty()) {
                // RFC 3264 §6: a refused stream keeps its media type with port 0.
                MediaDescription refused = new MediaDescription(m.media(), 0, m.protocol(),
                        m.formats().isEmpty() ? List.of("0") : m.formats());
                m.mid().ifPresent(mid -> refused.attributes().add("mid", mid));
                answer.media().add(refused);
                continue;
            }
            AcceptedMedia a = accepted.get();
            Extmap audioLevel = a.stream().hasAudioLevelExtension()
                    ? SdpFormats.audioLevelExtension(m).map(Extmap::answerForReceiving).orElse(null) : null;
            Extmap absSendTime = a.stream().hasAbsSendTime()
                    ? SdpFormats.absSendTimeExtension(m).map(Extmap::answerForSending).orElse(null) : null;
            MediaDescription section = mediaSection(m.media(), m.protocol(), a, local, m.mid().orElse(null), a.rtcpMux(),
                    audioLevel != null ? audioLevel : absSendTime);
            if (negotiation.isWebRtc() && WebRtcRules.isWebRtc(m)) {
                WebRtcAnswer.addMediaAttributes(section, m, negotiation.webRtc(), local.webRtc(), a);
            }
            answer.media().add(section);
        }
        local.origin().stamp(answer);
        return answer;
    }

    private MediaDescription mediaSection(String media, String protocol, AcceptedMedia a, LocalEndpoint local,
                                          String mid, boolean rtcpMux, Extmap extension) {
        MediaKind kind = a.stream().kind();
        int port = local.ports().applyAsInt(kind);
        List<String> formats = new ArrayList<>();
        formats.add(String.valueOf(a.rtpMap().payloadType()));
        if (a.telephoneEvent() != null) {
            formats.add(String.valueOf(a.telephoneEvent().payloadType()));
        }
        MediaDescription out = new MediaDescription(media, port, protocol, formats);
        if (capabilities.receiveKbps(kind) > 0) {
            out.bandwidths().add(new Bandwidth(Bandwidth.AS, capabilities.receiveKbps(kind)));
        }
        Attributes attrs = out.attributes();
        if (mid != null) {
            attrs.add("mid", mid);
        }
        if (extension != null) {
            attrs.add("extmap", extension.value());
        }
        attrs.add("rtpmap", a.rtpMap().value());
        if (!a.localFmtp().isEmpty()) {
            attrs.add("fmtp", Fmtp.of(a.rtpMap().payloadType(), a.localFmtp()).value());
        }
        a.feedback().forEach(fb -> attrs.add("rtcp-fb", fb.value()));
        if (a.sdes() != null) {
            attrs.add("crypto", a.sdes().local().value());
        }
        if (a.telephoneEvent() != null) {
            attrs.add("rtpmap", a.telephoneEvent().value());
            attrs.add("fmtp", a.telephoneEvent().payloadType() + " " + a.telephoneEventFmtp());
        }
        if (kind == MediaKind.AUDIO) {
            attrs.add("ptime", "20");
        }
        if (rtcpMux) {
            attrs.addProperty("rtcp-mux");
        } else {
            attrs.add("rtcp", new RtcpAddress(port + 1, Connection.ip(local.address())).value());
        }
        attrs.addProperty(a.stream().direction().attribute());
        return out;
    }
}
