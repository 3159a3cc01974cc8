package dev.mcu.sdp;

import dev.mcu.media.Codec;

/**
 * RFC 3264 offer/answer for plain RTP calls and browsers, as the SIP layer uses it. Each job has its
 * own class: {@link OfferMatcher} (which codec per m-line, or why none), {@link AnswerWriter} (our
 * answer), {@link OfferWriter} (our own offer, for an INVITE without SDP), {@link AnswerReader} (the
 * answer to that offer) and {@link WebRtcRules} (what a browser's m-line must carry). Stateless and
 * thread-safe: the per-dialog state (o= versioning) lives in {@link LocalOrigin}.
 */
public final class SdpNegotiator {
    private final MediaCapabilities capabilities;
    private final OfferMatcher matcher;
    private final AnswerWriter answers;
    private final OfferWriter offers;
    private final AnswerReader answerReader;

    public SdpNegotiator(MediaCapabilities capabilities) {
        this.capabilities = capabilities;
        this.matcher = new OfferMatcher(capabilities);
        this.answers = new AnswerWriter(capabilities);
        this.offers = new OfferWriter(capabilities);
        this.answerReader = new AnswerReader(matcher);
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
        return WebRtcRules.isWebRtcOffer(offer);
    }

    /** Matches the offer and, when something is in common, writes our answer. */
    public Answer answer(SessionDescription offer, LocalEndpoint local) {
        Negotiation negotiation = negotiate(offer);
        return negotiation.succeeded() ? new Answer(answers.write(offer, negotiation, local), negotiation)
                : new Answer(null, negotiation);
    }

    /** Writes our answer for a negotiation already made (and perhaps limited, e.g. {@link Negotiation#viewOnly}). */
    public SessionDescription answer(SessionDescription offer, Negotiation negotiation, LocalEndpoint local) {
        return answers.write(offer, negotiation, local);
    }

    /** The matching half of {@link #answer}: lets the SIP layer refuse before it allocates ports. */
    public Negotiation negotiate(SessionDescription offer) {
        return matcher.negotiate(offer, null);
    }

    /**
     * {@link #negotiate}, taking {@code preferredVideo} for video whenever the offer allows it, whatever
     * its place in the offer (null: the offerer's order): a viewer then shares the encode the room
     * already makes instead of starting a second ladder in another codec.
     */
    public Negotiation negotiate(SessionDescription offer, Codec preferredVideo) {
        return matcher.negotiate(offer, preferredVideo);
    }

    /**
     * Our offer, for an INVITE that came without SDP (we offer in the 200 OK and the answer comes in
     * the ACK): every codec we support, ours first, offering rtcp-mux; RTP/SAVP with an SDES key per
     * m-line when these capabilities do not take plain RTP ({@code media.requireEncryption}).
     */
    public SessionDescription offer(LocalEndpoint local) {
        return offers.offer(local);
    }

    /**
     * Reads the answer to our {@link #offer}: per m-line, the first payload type of the answer that
     * we offered and support. The m-lines must pair up one to one (RFC 3264 §6) and keep our protocol;
     * an SRTP m-line is keyed with the key we offered and the one the answer gave for its tag.
     */
    public Negotiation processAnswer(SessionDescription ourOffer, SessionDescription answer) {
        return answerReader.read(ourOffer, answer);
    }
}
