package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches an offer against what we support (RFC 3264 §6), m-line by m-line. Choosing a codec: walk
 * the offer's format list in the offerer's order and take the first codec we support; among several
 * payload types of that codec (baresip offers H.264 with packetization-mode 0 at 96 and mode 1 at
 * 97) take the one we prefer. Of the RTP header extensions an audio m-line offers, we take the RFC
 * 6464 audio level; of a video m-line's, abs-send-time (we write it into what we send). Stateless and thread-safe.
 */
final class OfferMatcher {
    /** Feedback the transport implements (RTCP NACK, PLI, FIR); anything else offered is not echoed. */
    private static final Set<String> SUPPORTED_FEEDBACK = Set.of("nack", "nack pli", "ccm fir");

    private final MediaCapabilities capabilities;

    OfferMatcher(MediaCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    /**
     * Per m-line of the offer: the codec we take, or why none.
     *
     * @param preferredVideo taken for video when the offer has it, before the offerer's order; or null
     */
    Negotiation negotiate(SessionDescription offer, Codec preferredVideo) {
        List<AcceptedMedia> accepted = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        Set<MediaKind> taken = EnumSet.noneOf(MediaKind.class);
        RemoteWebRtc webRtc = null;
        String firstWebRtcMid = null;
        List<MediaDescription> lines = offer.media();
        for (int i = 0; i < lines.size(); i++) {
            MediaDescription m = lines.get(i);
            String label = "m-line " + (i + 1) + " (" + m.media() + ")";
            Optional<MediaKind> kind = SdpFormats.kindOf(m.media());
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
            } else if (WebRtcRules.isWebRtc(m) && (refusal = WebRtcRules.webRtcRefusal(offer, m, webRtc != null, firstWebRtcMid)) != null) {
                // refused: ICE/DTLS parameters missing, or not bundled with the first WebRTC m-line
            } else if (isSdes(m) && remoteCrypto(m).isEmpty()) {
                refusal = m.protocol() + " without an a=crypto we can use (we take inline AES_CM_128_HMAC_SHA1_80 or"
                        + " AEAD_AES_128_GCM keys, without MKI or session parameters)";
            } else {
                Optional<AcceptedMedia> match = match(offer, m, i, kind.get(), preferredVideo);
                if (match.isPresent()) {
                    accepted.add(match.get());
                    taken.add(kind.get());
                    if (WebRtcRules.isWebRtc(m) && webRtc == null) {
                        webRtc = WebRtcRules.remoteWebRtc(offer, m);
                        firstWebRtcMid = m.mid().orElse(null);
                    }
                    continue;
                }
                refusal = "no common codec among " + SdpFormats.describeFormats(m) + " (we take " + capabilities.codecs(kind.get()) + ")";
            }
            refusals.add(label + ": " + refusal);
        }
        return new Negotiation(accepted, refusals, lines.size(), webRtc);
    }

    Optional<AcceptedMedia> match(SessionDescription offer, MediaDescription m, int index, MediaKind kind) {
        return match(offer, m, index, kind, null);
    }

    private Optional<AcceptedMedia> match(SessionDescription offer, MediaDescription m, int index, MediaKind kind,
                                          Codec preferredVideo) {
        Codec chosenCodec = null;
        if (kind == MediaKind.VIDEO && preferredVideo != null) {
            for (int pt : m.payloadTypes()) {
                if (supportedCodec(m, pt, kind).orElse(null) == preferredVideo) {
                    chosenCodec = preferredVideo;
                    break;
                }
            }
        }
        for (int pt : chosenCodec == null ? m.payloadTypes() : List.<Integer>of()) {
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
        RtpMap rtpMap = SdpFormats.rtpMapOf(m, chosenPt).orElseThrow();
        Map<String, String> remoteFmtp = new LinkedHashMap<>(m.fmtpParameters(chosenPt));
        Map<String, String> localFmtp = SdpFormats.localFmtp(capabilities, chosenCodec, remoteFmtp);
        if (chosenCodec == Codec.H264) {
            remoteFmtp.put("packetization-mode", String.valueOf(H264Parameters.packetizationMode(remoteFmtp)));
        }

        RtpMap te = null;
        String teFmtp = null;
        if (kind == MediaKind.AUDIO && capabilities.telephoneEvent()) {
            te = telephoneEvent(m, rtpMap.clockRate()).orElse(null);
            if (te != null) {
                teFmtp = m.fmtp(te.payloadType()).map(Fmtp::raw).filter(s -> !s.isBlank()).orElse(SdpFormats.TELEPHONE_EVENT_EVENTS);
            }
        }
        List<RtcpFb> feedback = new ArrayList<>();
        Set<String> supportedFeedback = WebRtcRules.isWebRtc(m) ? WebRtcRules.FEEDBACK : SUPPORTED_FEEDBACK;
        for (RtcpFb fb : m.rtcpFeedback(chosenPt)) {
            if (supportedFeedback.contains(fb.kind().toLowerCase(Locale.ROOT))
                    && feedback.stream().noneMatch(f -> f.kind().equalsIgnoreCase(fb.kind()))) {
                feedback.add(new RtcpFb(chosenPt, fb.type(), fb.subtype()));
            }
        }

        Connection connection = offer.connectionFor(m).orElseThrow(); // parse() guarantees one
        Direction offered = offer.direction(m);
        if (connection.isHoldAddress() && offered.receives() && !WebRtcRules.isWebRtc(m)) {
            // RFC 2543 hold: c=0.0.0.0 means "do not send to me" (with ICE it only means "see the candidates").
            offered = offered == Direction.SENDRECV ? Direction.SENDONLY : Direction.INACTIVE;
        }
        int kbps = m.bandwidthKbps() > 0 ? m.bandwidthKbps() : offer.bandwidthKbps();
        boolean firAgreed = feedback.stream()
                .anyMatch(f -> f.type().equalsIgnoreCase("ccm") && "fir".equalsIgnoreCase(f.subtype()));
        int audioLevelId = kind == MediaKind.AUDIO ? SdpFormats.audioLevelExtension(m).map(Extmap::id).orElse(-1) : -1;
        int absSendTimeId = kind == MediaKind.VIDEO ? SdpFormats.absSendTimeExtension(m).map(Extmap::id).orElse(-1) : -1;
        VideoReceiveCap cap = kind == MediaKind.VIDEO ? ReceiveCaps.of(chosenCodec, remoteFmtp, kbps) : VideoReceiveCap.NONE;
        NegotiatedStream stream = new NegotiatedStream(kind, chosenCodec, chosenPt, Map.copyOf(remoteFmtp),
                te == null ? -1 : te.payloadType(), offered.reverse(), kbps, firAgreed, audioLevelId, cap, absSendTimeId);
        int rtx = WebRtcRules.isWebRtc(m) ? rtxFor(m, chosenPt) : -1;
        SdesCrypto.Pair sdes = isSdes(m) ? remoteCrypto(m)
                .map(remote -> new SdesCrypto.Pair(SdesCrypto.random(remote.tag(), remote.profile()), remote)).orElse(null) : null;
        return Optional.of(new AcceptedMedia(index, stream, rtpMap, localFmtp, te, teFmtp, List.copyOf(feedback),
                connection.host(), m.port(), m.rtcpMux(), rtx, sdes));
    }

    private static boolean isSdes(MediaDescription m) {
        return MediaCapabilities.SDES_SRTP.contains(m.protocol().toUpperCase(Locale.ROOT));
    }

    /** The first a=crypto of the m-line we can use, in the offerer's order of preference (RFC 4568 §7.1.1). */
    private static Optional<SdesCrypto> remoteCrypto(MediaDescription m) {
        for (String value : m.attributes().values("crypto")) {
            Optional<SdesCrypto> crypto = SdesCrypto.parse(value);
            if (crypto.isPresent()) {
                return crypto;
            }
        }
        return Optional.empty();
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
    Optional<Codec> supportedCodec(MediaDescription m, int pt, MediaKind kind) {
        Optional<RtpMap> map = SdpFormats.rtpMapOf(m, pt);
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
        Codec codec = SdpFormats.rtpMapOf(m, candidate).flatMap(r -> Codec.byEncodingName(r.encodingName(), MediaKind.VIDEO)).orElse(null);
        if (codec != Codec.H264) {
            return false; // same codec, nothing to choose between: keep the offerer's first
        }
        int wanted = capabilities.h264PacketizationMode();
        return H264Parameters.packetizationMode(m.fmtpParameters(candidate)) == wanted
                && H264Parameters.packetizationMode(m.fmtpParameters(current)) != wanted;
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
}
