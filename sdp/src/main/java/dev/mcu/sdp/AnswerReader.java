package dev.mcu.sdp;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.AudioLevelIndication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the answer to our own offer, with the offer matcher's codec rules. Stateless and thread-safe. */
final class AnswerReader {
    private final OfferMatcher matcher;

    AnswerReader(OfferMatcher matcher) {
        this.matcher = matcher;
    }

    /**
     * Reads the answer to our {@link OfferWriter#offer}: per m-line, the first payload type of the answer that
     * we offered and support. The m-lines must pair up one to one (RFC 3264 §6).
     */
    Negotiation read(SessionDescription ourOffer, SessionDescription answer) {
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
            String transportRefusal = transportRefusal(ours, theirs);
            if (transportRefusal != null) {
                refusals.add(label + ": " + transportRefusal);
                continue;
            }
            MediaKind kind = SdpFormats.kindOf(ours.media()).orElseThrow();
            // The answer's payload types are ours (RFC 3264 §6.1); read codec names from our offer
            // when the answer omits the rtpmap.
            Optional<AcceptedMedia> match = Optional.empty();
            for (int pt : theirs.payloadTypes()) {
                if (!ours.payloadTypes().contains(pt)) {
                    continue;
                }
                MediaDescription merged = mergeForAnswer(ours, theirs, pt);
                if (matcher.supportedCodec(merged, pt, kind).isPresent()) {
                    SessionDescription view = new SessionDescription(answer.origin());
                    answer.connectionFor(theirs).ifPresent(view::setConnection);
                    view.bandwidths().addAll(answer.bandwidths());
                    merged.setPort(theirs.port());
                    merged.connections().addAll(theirs.connections());
                    merged.bandwidths().addAll(theirs.bandwidths());
                    theirs.directionAttribute().or(() -> Optional.of(answer.direction(theirs))).ifPresent(merged::setDirection);
                    match = matcher.match(view, merged, i, kind).map(a -> withLocalFmtp(a, ours));
                    break;
                }
            }
            if (match.isPresent()) {
                accepted.add(isSdes(ours) ? match.get().withSdes(sdesKeys(ours, theirs).orElseThrow()) : match.get());
            } else {
                refusals.add(label + ": the answer chose no codec we offered");
            }
        }
        return new Negotiation(accepted, refusals, answer.media().size());
    }

    /**
     * Why an answer's m-line cannot be used for its transport, or null: it must keep our offer's
     * protocol (RFC 3264 §6.1), and to an SDES offer it must answer one of our keys, by its tag and
     * suite, with a key of its own (RFC 4568 §7.1.2). Under {@code media.requireEncryption} a phone
     * that answers our SRTP offer with plain RTP is refused here rather than left unencrypted.
     */
    private static String transportRefusal(MediaDescription ours, MediaDescription theirs) {
        if (isSdes(ours) != isSdes(theirs)) {
            return "the answer's transport " + theirs.protocol() + " is not our offer's " + ours.protocol();
        }
        if (isSdes(ours) && sdesKeys(ours, theirs).isEmpty()) {
            return "the answer has no a=crypto for one of our keys (it must take our tag and suite"
                    + " and send an inline key of its own)";
        }
        return null;
    }

    /** Our offered key and the answer's key for it, matched by tag and suite. */
    private static Optional<SdesCrypto.Pair> sdesKeys(MediaDescription ours, MediaDescription theirs) {
        for (String answered : theirs.attributes().values("crypto")) {
            Optional<SdesCrypto> remote = SdesCrypto.parse(answered);
            if (remote.isEmpty()) {
                continue;
            }
            for (String offered : ours.attributes().values("crypto")) {
                Optional<SdesCrypto> local = SdesCrypto.parse(offered)
                        .filter(k -> k.tag() == remote.get().tag() && k.profile() == remote.get().profile());
                if (local.isPresent()) {
                    return Optional.of(new SdesCrypto.Pair(local.get(), remote.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isSdes(MediaDescription m) {
        return MediaCapabilities.SDES_SRTP.contains(m.protocol().toUpperCase(java.util.Locale.ROOT));
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
            stream = stream.withoutAudioLevelExtension();
        }
        if (stream.hasAbsSendTime() && Extmap.find(ours, AbsSendTime.URI).isEmpty()) {
            stream = stream.withoutAbsSendTime();
        }
        return new AcceptedMedia(a.mLineIndex(), stream, a.rtpMap(), offered, a.telephoneEvent(),
                a.telephoneEventFmtp(), a.feedback(), a.remoteHost(), a.remotePort(), a.rtcpMux());
    }
}
