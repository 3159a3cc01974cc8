package dev.mcu.sdp;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of matching one offer (or one answer to our offer) against our capabilities: the
 * accepted m-lines, and for every refused m-line a sentence saying why. Immutable.
 *
 * @param accepted      in m-line order
 * @param refusals      one plain-language reason per refused m-line ("m-line 2 (video): ...")
 * @param mLineCount    how many m-lines the offer had
 * @param webRtc        the offerer's ICE/DTLS parameters when the accepted media is WebRTC
 *                      (UDP/TLS/RTP/SAVPF), else {@code null}
 */
public record Negotiation(List<AcceptedMedia> accepted, List<String> refusals, int mLineCount,
                          RemoteWebRtc webRtc) {
    /** RFC 3261 §20.43 warning codes the SIP layer puts in 488's Warning header. */
    public static final int WARN_INCOMPATIBLE_FORMAT = 305;
    public static final int WARN_MEDIA_TYPE_NOT_AVAILABLE = 304;

    public Negotiation {
        accepted = List.copyOf(accepted);
        refusals = List.copyOf(refusals);
    }

    /** A plain RTP negotiation. */
    public Negotiation(List<AcceptedMedia> accepted, List<String> refusals, int mLineCount) {
        this(accepted, refusals, mLineCount, null);
    }

    /**
     * The same agreement with none of the remote's media taken: each stream we would send stays
     * sendonly on our side, one we would only receive becomes inactive (a view-only attendee).
     */
    public Negotiation viewOnly() {
        return viewOnly(false);
    }

    /**
     * {@link #viewOnly()}, but with {@code keepAudioIn} the audio stream keeps receiving: a phone
     * that sends DTMF only as RFC 4733 events in its audio can still press keys (its voice is
     * dropped unread by the room).
     */
    public Negotiation viewOnly(boolean keepAudioIn) {
        List<AcceptedMedia> limited = new ArrayList<>();
        for (AcceptedMedia a : accepted) {
            if (keepAudioIn && a.stream().kind() == dev.mcu.media.MediaKind.AUDIO) {
                limited.add(a);
                continue;
            }
            dev.mcu.media.Direction d = a.stream().direction().sends() ? dev.mcu.media.Direction.SENDONLY
                    : dev.mcu.media.Direction.INACTIVE;
            limited.add(new AcceptedMedia(a.mLineIndex(), a.stream().withDirection(d), a.rtpMap(), a.localFmtp(),
                    a.telephoneEvent(), a.telephoneEventFmtp(), a.feedback(), a.remoteHost(), a.remotePort(),
                    a.rtcpMux(), a.rtxPayloadType(), a.sdes()));
        }
        return new Negotiation(limited, refusals, mLineCount, webRtc);
    }

    /**
     * This negotiation answering with the SDES keys we already send with, where the suite is unchanged:
     * a re-INVITE (a session refresh, hold, a promotion) then does not re-key our direction (RFC 4568
     * §7.1.4 allows keeping a key), so the phone need not switch keys mid-call.
     */
    public Negotiation keepingLocalKeys(Map<MediaKind, SdesCrypto> current) {
        List<AcceptedMedia> kept = new ArrayList<>();
        for (AcceptedMedia a : accepted) {
            SdesCrypto ours = current.get(a.stream().kind());
            if (a.sdes() != null && ours != null && ours.profile() == a.sdes().remote().profile()) {
                kept.add(a.withSdes(new SdesCrypto.Pair(ours.withTag(a.sdes().remote().tag()), a.sdes().remote())));
            } else {
                kept.add(a);
            }
        }
        return new Negotiation(kept, refusals, mLineCount, webRtc);
    }

    /** Whether the accepted media runs over ICE + DTLS-SRTP. */
    public boolean isWebRtc() {
        return webRtc != null;
    }

    /** False when no m-line could be accepted: the SIP layer answers 488 Not Acceptable Here. */
    public boolean succeeded() {
        return !accepted.isEmpty();
    }

    public List<NegotiatedStream> streams() {
        List<NegotiatedStream> out = new ArrayList<>();
        accepted.forEach(a -> out.add(a.stream()));
        return out;
    }

    public Optional<AcceptedMedia> accepted(MediaKind kind) {
        return accepted.stream().filter(a -> a.stream().kind() == kind).findFirst();
    }

    public Optional<AcceptedMedia> acceptedAt(int mLineIndex) {
        return accepted.stream().filter(a -> a.mLineIndex() == mLineIndex).findFirst();
    }

    /** Why nothing (or something) was refused, for a Warning header and the operator's log. */
    public String refusalSummary() {
        return refusals.isEmpty() ? "" : String.join("; ", refusals);
    }

    public int warningCode() {
        return refusals.stream().allMatch(r -> r.contains("media type")) && !refusals.isEmpty()
                ? WARN_MEDIA_TYPE_NOT_AVAILABLE : WARN_INCOMPATIBLE_FORMAT;
    }
}
