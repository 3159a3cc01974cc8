package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.AudioLevelIndication;
import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 3264 offer/answer for plain RTP calls. Stateless and thread-safe: the per-dialog state (o=
 * versioning) lives in {@link LocalOrigin}.
 *
 * <p>Choosing a codec per m-line: walk the offer's format list in the offerer's order and take the
 * first codec we support; among several payload types of that codec (baresip offers H.264 with
 * packetization-mode 0 at 96 and mode 1 at 97) take the one we prefer. The answer names that one
 * payload type (plus telephone-event), so the remote never switches codecs under the shared encoder.
 *
 * <p>Of the RTP header extensions an audio m-line offers, we take the RFC 6464 audio level (the
 * sender's own level, for speaker detection without decoding first) and echo its id; no others.
 */
public final class SdpNegotiator {
    /** Feedback the transport implements (RTCP NACK, PLI, FIR); anything else offered is not echoed. */
    private static final Set<String> SUPPORTED_FEEDBACK = Set.of("nack", "nack pli", "ccm fir");
    /** WebRTC also gets goog-remb: the transport reads the browser's bandwidth estimate. */
    private static final Set<String> WEBRTC_FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb");
    private static final String TELEPHONE_EVENT_EVENTS = "0-15";

    // Payload types we use in our own offers.
    private static final int PT_OPUS = 111;
    private static final int PT_H264_MODE1 = 96;
    private static final int PT_H264_MODE0 = 97;
    private static final int PT_VP8 = 98;
    private static final int PT_TELEPHONE_EVENT_8K = 101;
    private static final int PT_TELEPHONE_EVENT_48K = 110;

    private final MediaCapabilities capabilities;

    public SdpNegotiator(MediaCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    public MediaCapabilities capabilities() {
        return capabilities;
    }

    /** A negotiator with the same codecs that takes browsers' UDP/TLS/RTP/SAVPF (and only that). */
    public SdpNegotiator forWebRtc() {
        return new SdpNegotiator(capabilities.withProtocols(MediaCapabilities.WEBRTC));
    }

    /** Whether an offer comes from a WebRTC endpoint: some live m-line is UDP/TLS/RTP/SAVPF. */
    public static boolean isWebRtcOffer(SessionDescription offer) {
        return offer.media().stream().anyMatch(m -> !m.isRejected() && isWebRtc(m));
    }

    private static boolean isWebRtc(MediaDescription m) {
        return MediaCapabilities.WEBRTC_PROTOCOL.equalsIgnoreCase(m.protocol());
    }

    /** Matches the offer and, when something is in common, writes our answer. */
    public Answer answer(SessionDescription offer, LocalEndpoint local) {
        Negotiation negotiation = negotiate(offer);
        return negotiation.succeeded() ? new Answer(writeAnswer(offer, negotiation, local), negotiation)
                : new Answer(null, negotiation);
    }

    /** The matching half of {@link #answer}: lets the SIP layer refuse before it allocates ports. */
    public Negotiation negotiate(SessionDescription offer) {
        List<AcceptedMedia> accepted = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        Set<MediaKind> taken = EnumSet.noneOf(MediaKind.class);
        RemoteWebRtc webRtc = null;
        String firstWebRtcMid = null;
        List<MediaDescription> lines = offer.media();
        for (int i = 0; i < lines.size(); i++) {
            MediaDescription m = lines.get(i);
            String label = "m-line " + (i + 1) + " (" + m.media() + ")";
            Optional<MediaKind> kind = kindOf(m.media());
            String refusal;
            if (kind.isEmpty()) {
                refusal = "media type '" + m.media() + "' is not supported";
            } else if (capabilities.codecs(kind.get()).isEmpty()) {
                refusal = "media type " + m.media() + " is not enabled on this server";
            } else if (m.isRejected()) {
                refusal = "disabled by the offerer (port 0)";
            } else if (!capabilities.protocols().contains(m.protocol().toUpperCase(Locale.ROOT))) {
                refusal = "transport " + m.protocol() + " is not supported (we take " + String.join(", ", capabilities.protocols()) + ")";
            } else if (taken.contains(kind.get())) {
                refusal = "only one " + m.media() + " stream per call";
            } else if (isWebRtc(m) && (refusal = webRtcRefusal(offer, m, webRtc != null, firstWebRtcMid)) != null) {
                // refused: ICE/DTLS parameters missing, or not bundled with the first WebRTC m-line
            } else {
                Optional<AcceptedMedia> match = match(offer, m, i, kind.get());
                if (match.isPresent()) {
                    accepted.add(match.get());
                    taken.add(kind.get());
                    if (isWebRtc(m) && webRtc == null) {
                        webRtc = remoteWebRtc(offer, m);
                        firstWebRtcMid = m.mid().orElse(null);
                    }
                    continue;
                }
                refusal = "no common codec among " + describeFormats(m) + " (we take " + capabilities.codecs(kind.get()) + ")";
            }
            refusals.add(label + ": " + refusal);
        }
        return new Negotiation(accepted, refusals, lines.size(), webRtc);
    }

    /** Why a UDP/TLS/RTP/SAVPF m-line cannot be taken, or {@code null} when it can. */
    private static String webRtcRefusal(SessionDescription offer, MediaDescription m, boolean notFirst,
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

    private static RemoteWebRtc remoteWebRtc(SessionDescription offer, MediaDescription m) {
        return new RemoteWebRtc(webRtcAttribute(offer, m, "ice-ufrag"), webRtcAttribute(offer, m, "ice-pwd"),
                webRtcAttribute(offer, m, "fingerprint"), setupOf(offer, m));
    }

    private Optional<AcceptedMedia> match(SessionDescription offer, MediaDescription m, int index, MediaKind kind) {
        Codec chosenCodec = null;
        for (int pt : m.payloadTypes()) {
            Optional<Codec> c = supportedCodec(m, pt, kind);
            if (c.isPresent()) {
                chosenCodec = c.get();
                break;
            }
        }
        if (chosenCodec == null) {
            return Optional.empty();
        }
        int chosenPt = -1;
        for (int pt : m.payloadTypes()) {
            if (supportedCodec(m, pt, kind).orElse(null) == chosenCodec && (chosenPt < 0 || prefer(m, pt, chosenPt))) {
                chosenPt = pt;
            }
        }
        RtpMap rtpMap = rtpMapOf(m, chosenPt).orElseThrow();
        Map<String, String> remoteFmtp = new LinkedHashMap<>(m.fmtpParameters(chosenPt));
        Map<String, String> localFmtp = localFmtp(chosenCodec, remoteFmtp);
        if (chosenCodec == Codec.H264) {
            remoteFmtp.put("packetization-mode", String.valueOf(H264Parameters.packetizationMode(remoteFmtp)));
        }

        RtpMap te = null;
        String teFmtp = null;
        if (kind == MediaKind.AUDIO && capabilities.telephoneEvent()) {
            te = telephoneEvent(m, rtpMap.clockRate()).orElse(null);
            if (te != null) {
                teFmtp = m.fmtp(te.payloadType()).map(Fmtp::raw).filter(s -> !s.isBlank()).orElse(TELEPHONE_EVENT_EVENTS);
            }
        }
        List<RtcpFb> feedback = new ArrayList<>();
        Set<String> supportedFeedback = isWebRtc(m) ? WEBRTC_FEEDBACK : SUPPORTED_FEEDBACK;
        for (RtcpFb fb : m.rtcpFeedback(chosenPt)) {
            if (supportedFeedback.contains(fb.kind().toLowerCase(Locale.ROOT))
                    && feedback.stream().noneMatch(f -> f.kind().equalsIgnoreCase(fb.kind()))) {
                feedback.add(new RtcpFb(chosenPt, fb.type(), fb.subtype()));
            }
        }

        Connection connection = offer.connectionFor(m).orElseThrow(); // parse() guarantees one
        Direction offered = offer.direction(m);
        if (connection.isHoldAddress() && offered.receives() && !isWebRtc(m)) {
            // RFC 2543 hold: c=0.0.0.0 means "do not send to me" (with ICE it only means "see the candidates").
            offered = offered == Direction.SENDRECV ? Direction.SENDONLY : Direction.INACTIVE;
        }
        int kbps = m.bandwidthKbps() > 0 ? m.bandwidthKbps() : offer.bandwidthKbps();
        boolean firAgreed = feedback.stream()
                .anyMatch(f -> f.type().equalsIgnoreCase("ccm") && "fir".equalsIgnoreCase(f.subtype()));
        int audioLevelId = kind == MediaKind.AUDIO ? audioLevelExtension(m).map(Extmap::id).orElse(-1) : -1;
        NegotiatedStream stream = new NegotiatedStream(kind, chosenCodec, chosenPt, Map.copyOf(remoteFmtp),
                te == null ? -1 : te.payloadType(), offered.reverse(), kbps, firAgreed, audioLevelId);
        int rtx = isWebRtc(m) ? rtxFor(m, chosenPt) : -1;
        return Optional.of(new AcceptedMedia(index, stream, rtpMap, localFmtp, te, teFmtp, List.copyOf(feedback),
                connection.host(), m.port(), m.rtcpMux(), rtx));
    }

    /** The remote's RFC 6464 audio-level extmap, when it will send it. */
    private static Optional<Extmap> audioLevelExtension(MediaDescription m) {
        return Extmap.find(m, AudioLevelIndication.URI).filter(Extmap::writerSends);
    }

    /** The offered rtx payload type whose apt is {@code pt} (RFC 4588 §8.6), or -1. */
    private static int rtxFor(MediaDescription m, int pt) {
        for (int candidate : m.payloadTypes()) {
            boolean rtx = m.rtpMap(candidate).map(r -> r.encodingName().equalsIgnoreCase("rtx")).orElse(false);
            if (rtx && String.valueOf(pt).equals(m.fmtpParameters(candidate).get("apt"))) {
                return candidate;
            }
        }
        return -1;
    }

    /** The codec a payload type carries, if we support it with the parameters offered. */
    private Optional<Codec> supportedCodec(MediaDescription m, int pt, MediaKind kind) {
        Optional<RtpMap> map = rtpMapOf(m, pt);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Optional<Codec> codec = Codec.byEncodingName(map.get().encodingName(), kind)
                .filter(c -> c != Codec.TELEPHONE_EVENT)
                .filter(capabilities.codecs(kind)::contains)
                .filter(c -> c.rtpClockRate() == map.get().clockRate());
        if (codec.isPresent() && codec.get() == Codec.H264) {
            Map<String, String> fmtp = m.fmtpParameters(pt);
            int mode = H264Parameters.packetizationMode(fmtp);
            if (!H264Parameters.isBaselineCompatible(fmtp) || (mode != 0 && mode != 1)) {
                return Optional.empty();
            }
        }
        return codec;
    }

    /** True when {@code candidate} is a better payload type than {@code current} for the same codec. */
    private boolean prefer(MediaDescription m, int candidate, int current) {
        Codec codec = rtpMapOf(m, candidate).flatMap(r -> Codec.byEncodingName(r.encodingName(), MediaKind.VIDEO)).orElse(null);
        if (codec != Codec.H264) {
            return false; // same codec, nothing to choose between: keep the offerer's first
        }
        int wanted = capabilities.h264PacketizationMode();
        return H264Parameters.packetizationMode(m.fmtpParameters(candidate)) == wanted
                && H264Parameters.packetizationMode(m.fmtpParameters(current)) != wanted;
    }

    /** The rtpmap of a payload type, or the RFC 3551 static assignment for 0..95 without one. */
    private static Optional<RtpMap> rtpMapOf(MediaDescription m, int pt) {
        Optional<RtpMap> explicit = m.rtpMap(pt);
        if (explicit.isPresent() || pt >= 96) {
            return explicit;
        }
        return Codec.byStaticPayloadType(pt).map(c -> new RtpMap(pt, c.encodingName(), c.rtpClockRate(), 0));
    }

    private Optional<RtpMap> telephoneEvent(MediaDescription m, int clockRate) {
        RtpMap first = null;
        for (int pt : m.payloadTypes()) {
            Optional<RtpMap> map = m.rtpMap(pt);
            if (map.isPresent() && map.get().encodingName().equalsIgnoreCase(Codec.TELEPHONE_EVENT.encodingName())) {
                if (map.get().clockRate() == clockRate) {
                    return map;
                }
                if (first == null) {
                    first = map.get();
                }
            }
        }
        return Optional.ofNullable(first);
    }

    /** The fmtp we write for a chosen codec. */
    private Map<String, String> localFmtp(Codec codec, Map<String, String> remote) {
        Map<String, String> f = new LinkedHashMap<>();
        switch (codec) {
            case H264 -> {
                int level = capabilities.h264LevelIdc();
                if (!H264Parameters.levelAsymmetryAllowed(remote)) {
                    // Without level asymmetry both directions use one level: never above the offer's.
                    level = Math.min(level, H264Parameters.level(remote));
                }
                f.put("profile-level-id", capabilities.h264ProfileLevelId(level));
                f.put("packetization-mode", String.valueOf(H264Parameters.packetizationMode(remote)));
                f.put("level-asymmetry-allowed", "1");
            }
            case OPUS -> {
                f.put("minptime", "10");
                f.put("useinbandfec", "1");
            }
            default -> { }
        }
        return f;
    }

    private static String describeFormats(MediaDescription m) {
        List<String> names = new ArrayList<>();
        for (int pt : m.payloadTypes()) {
            names.add(rtpMapOf(m, pt).map(r -> r.encodingName() + "/" + r.clockRate()).orElse(String.valueOf(pt)));
        }
        return names.toString();
    }

    private static Optional<MediaKind> kindOf(String media) {
        for (MediaKind k : MediaKind.values()) {
            if (k.sdpName().equalsIgnoreCase(media)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private SessionDescription writeAnswer(SessionDescription offer, Negotiation negotiation, LocalEndpoint local) {
        SessionDescription answer = newSession(local);
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
                    ? audioLevelExtension(m).map(Extmap::answerForReceiving).orElse(null) : null;
            MediaDescription section = mediaSection(m.media(), m.protocol(), a, local, m.mid().orElse(null), a.rtcpMux(),
                    audioLevel);
            if (negotiation.isWebRtc() && isWebRtc(m)) {
                WebRtcAnswer.addMediaAttributes(section, m, negotiation.webRtc(), local.webRtc(), a);
            }
            answer.media().add(section);
        }
        local.origin().stamp(answer);
        return answer;
    }

    private MediaDescription mediaSection(String media, String protocol, AcceptedMedia a, LocalEndpoint local,
                                          String mid, boolean rtcpMux, Extmap audioLevel) {
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
        if (audioLevel != null) {
            attrs.add("extmap", audioLevel.value());
        }
        attrs.add("rtpmap", a.rtpMap().value());
        if (!a.localFmtp().isEmpty()) {
            attrs.add("fmtp", Fmtp.of(a.rtpMap().payloadType(), a.localFmtp()).value());
        }
        a.feedback().forEach(fb -> attrs.add("rtcp-fb", fb.value()));
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

    private static SessionDescription newSession(LocalEndpoint local) {
        SessionDescription sdp = new SessionDescription(null);
        sdp.setSessionName("mcu");
        sdp.setConnection(Connection.ip(local.address()));
        sdp.timings().add(Timing.PERMANENT);
        return sdp;
    }

    /**
     * Our offer, for an INVITE that came without SDP (we offer in the 200 OK and the answer comes in
     * the ACK): every codec we support, ours first, offering rtcp-mux.
     */
    public SessionDescription offer(LocalEndpoint local) {
        SessionDescription sdp = newSession(local);
        for (MediaKind kind : MediaKind.values()) {
            if (capabilities.codecs(kind).isEmpty()) {
                continue;
            }
            int port = local.ports().applyAsInt(kind);
            MediaDescription m = new MediaDescription(kind.sdpName(), port, "RTP/AVP", List.of());
            Attributes attrs = m.attributes();
            for (Codec c : capabilities.codecs(kind)) {
                for (int pt : offeredPayloadTypes(c)) {
                    m.formats().add(String.valueOf(pt));
                    attrs.add("rtpmap", new RtpMap(pt, c.encodingName(), c.rtpClockRate(), c == Codec.OPUS ? 2 : 0).value());
                    Map<String, String> fmtp = c == Codec.H264
                            ? h264OfferFmtp(pt == PT_H264_MODE1 ? 1 : 0) : localFmtp(c, Map.of());
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
                    attrs.add("fmtp", e[0] + " " + TELEPHONE_EVENT_EVENTS);
                }
            }
            if (kind == MediaKind.AUDIO) {
                attrs.add("ptime", "20");
            }
            if (capabilities.receiveKbps(kind) > 0) {
                m.bandwidths().add(new Bandwidth(Bandwidth.AS, capabilities.receiveKbps(kind)));
            }
            attrs.add("rtcp", new RtcpAddress(port + 1, Connection.ip(local.address())).value());
            attrs.addProperty("rtcp-mux");
            attrs.addProperty(Direction.SENDRECV.attribute());
            sdp.media().add(m);
        }
        local.origin().stamp(sdp);
        return sdp;
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

    /**
     * Reads the answer to our {@link #offer}: per m-line, the first payload type of the answer that
     * we offered and support. The m-lines must pair up one to one (RFC 3264 §6).
     */
    public Negotiation processAnswer(SessionDescription ourOffer, SessionDescription answer) {
        if (answer.media().size() != ourOffer.media().size()) {
            return new Negotiation(List.of(), List.of("the answer has " + answer.media().size()
                    + " m-lines but our offer had " + ourOffer.media().size()), ourOffer.media().size());
        }
        List<AcceptedMedia> accepted = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < answer.media().size(); i++) {
            MediaDescription ours = ourOffer.media().get(i);
            MediaDescription theirs = answer.media().get(i);
            String label = "m-line " + (i + 1) + " (" + theirs.media() + ")";
            if (!theirs.media().equalsIgnoreCase(ours.media())) {
                refusals.add(label + ": media type differs from our offer's " + ours.media());
                continue;
            }
            if (theirs.isRejected()) {
                refusals.add(label + ": refused by the answerer (port 0)");
                continue;
            }
            MediaKind kind = kindOf(ours.media()).orElseThrow();
            // The answer's payload types are ours (RFC 3264 §6.1); read codec names from our offer
            // when the answer omits the rtpmap.
            Optional<AcceptedMedia> match = Optional.empty();
            for (int pt : theirs.payloadTypes()) {
                if (!ours.payloadTypes().contains(pt)) {
                    continue;
                }
                MediaDescription merged = mergeForAnswer(ours, theirs, pt);
                if (supportedCodec(merged, pt, kind).isPresent()) {
                    SessionDescription view = new SessionDescription(answer.origin());
                    answer.connectionFor(theirs).ifPresent(view::setConnection);
                    view.bandwidths().addAll(answer.bandwidths());
                    merged.setPort(theirs.port());
                    merged.connections().addAll(theirs.connections());
                    merged.bandwidths().addAll(theirs.bandwidths());
                    theirs.directionAttribute().or(() -> Optional.of(answer.direction(theirs))).ifPresent(merged::setDirection);
                    match = match(view, merged, i, kind).map(a -> withLocalFmtp(a, ours));
                    break;
                }
            }
            if (match.isPresent()) {
                accepted.add(match.get());
            } else {
                refusals.add(label + ": the answer chose no codec we offered");
            }
        }
        return new Negotiation(accepted, refusals, answer.media().size());
    }

    /** A media section holding only {@code pt}, with the answer's attributes, falling back to our rtpmap. */
    private static MediaDescription mergeForAnswer(MediaDescription ours, MediaDescription theirs, int pt) {
        List<String> formats = new ArrayList<>();
        formats.add(String.valueOf(pt));
        for (int other : theirs.payloadTypes()) {
            if (other != pt) {
                formats.add(String.valueOf(other)); // keeps telephone-event findable
            }
        }
        MediaDescription merged = new MediaDescription(theirs.media(), theirs.port(), theirs.protocol(), formats);
        theirs.attributes().asList().forEach(merged.attributes()::add);
        if (theirs.rtpMap(pt).isEmpty()) {
            ours.rtpMap(pt).ifPresent(r -> merged.attributes().add("rtpmap", r.value()));
        }
        if (theirs.fmtp(pt).isEmpty()) {
            ours.fmtp(pt).ifPresent(f -> merged.attributes().add("fmtp", f.value()));
        }
        return merged;
    }

    private static AcceptedMedia withLocalFmtp(AcceptedMedia a, MediaDescription ours) {
        Map<String, String> offered = ours.fmtpParameters(a.rtpMap().payloadType());
        NegotiatedStream stream = a.stream();
        if (stream.hasAudioLevelExtension() && Extmap.find(ours, AudioLevelIndication.URI).isEmpty()) {
            // An extension is only agreed when offered (RFC 8285 §6): our offers carry none.
            stream = new NegotiatedStream(stream.kind(), stream.codec(), stream.payloadType(), stream.fmtp(),
                    stream.telephoneEventPayloadType(), stream.direction(), stream.bandwidthKbps(), stream.firAgreed());
        }
        return new AcceptedMedia(a.mLineIndex(), stream, a.rtpMap(), offered, a.telephoneEvent(),
                a.telephoneEventFmtp(), a.feedback(), a.remoteHost(), a.remotePort(), a.rtcpMux());
    }
}
