package dev.mcu.media;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;

import java.util.Map;

/**
 * What offer/answer agreed for one media line: the codec both sides will use, the payload type the
 * remote expects for it, its format parameters, and the direction from the MCU's point of view
 * ({@code direction().sends()} means the MCU sends on this stream).
 *
 * @param telephoneEventPayloadType RFC 4733 payload type on an audio stream, or -1
 * @param fmtp                      the agreed a=fmtp parameters of the codec (e.g. packetization-mode,
 *                                  profile-level-id for H.264), keys in lower case
 * @param bandwidthKbps             the remote's b=AS (or TIAS/1000) for this stream, 0 when unstated
 * @param firAgreed                 both sides agreed to "ccm fir": a keyframe request may carry a FIR
 *                                  besides the PLI (a phone that did not agree logs it as unknown)
 * @param audioLevelExtensionId     the RTP header extension id (RFC 8285) the remote puts its RFC 6464
 *                                  audio level under on this (audio) stream, or -1 when not agreed
 * @param receiveCap                the most the remote said it can take of our video (max-fs, H.264
 *                                  level, b=AS/TIAS); {@link VideoReceiveCap#NONE} when it said nothing
 * @param absSendTimeExtensionId    the id (RFC 8285) we write abs-send-time under in each packet we
 *                                  send on this (video) stream, or -1 when not agreed
 */
public record NegotiatedStream(MediaKind kind, Codec codec, int payloadType, Map<String, String> fmtp,
                               int telephoneEventPayloadType, Direction direction, int bandwidthKbps,
                               boolean firAgreed, int audioLevelExtensionId, VideoReceiveCap receiveCap,
                               int absSendTimeExtensionId) {

    public NegotiatedStream {
        receiveCap = receiveCap == null ? VideoReceiveCap.NONE : receiveCap;
    }

    /** A stream without abs-send-time. */
    public NegotiatedStream(MediaKind kind, Codec codec, int payloadType, Map<String, String> fmtp,
                            int telephoneEventPayloadType, Direction direction, int bandwidthKbps,
                            boolean firAgreed, int audioLevelExtensionId, VideoReceiveCap receiveCap) {
        this(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction, bandwidthKbps, firAgreed,
                audioLevelExtensionId, receiveCap, -1);
    }

    /** A stream whose remote stated no limit for our video. */
    public NegotiatedStream(MediaKind kind, Codec codec, int payloadType, Map<String, String> fmtp,
                            int telephoneEventPayloadType, Direction direction, int bandwidthKbps,
                            boolean firAgreed, int audioLevelExtensionId) {
        this(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction, bandwidthKbps, firAgreed,
                audioLevelExtensionId, VideoReceiveCap.NONE);
    }

    /** A stream without the RFC 6464 audio-level header extension. */
    public NegotiatedStream(MediaKind kind, Codec codec, int payloadType, Map<String, String> fmtp,
                            int telephoneEventPayloadType, Direction direction, int bandwidthKbps,
                            boolean firAgreed) {
        this(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction, bandwidthKbps, firAgreed, -1);
    }

    /** A stream whose answer did not agree to RFC 5104 FIR ("a=rtcp-fb:PT ccm fir"). */
    public NegotiatedStream(MediaKind kind, Codec codec, int payloadType, Map<String, String> fmtp,
                            int telephoneEventPayloadType, Direction direction, int bandwidthKbps) {
        this(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction, bandwidthKbps, false);
    }

    /** Whether the remote sends its audio level in an RFC 6464 header extension. */
    public boolean hasAudioLevelExtension() {
        return audioLevelExtensionId > 0;
    }

    /** H.264 packetization-mode (RFC 6184 §8.1): 0 when absent. */
    public int h264PacketizationMode() {
        String mode = fmtp.get("packetization-mode");
        return mode == null ? 0 : Integer.parseInt(mode.trim());
    }

    /** The same stream with another direction (ours). */
    public NegotiatedStream withDirection(Direction newDirection) {
        return new NegotiatedStream(kind, codec, payloadType, fmtp, telephoneEventPayloadType, newDirection,
                bandwidthKbps, firAgreed, audioLevelExtensionId, receiveCap, absSendTimeExtensionId);
    }

    /** The same stream without the RFC 6464 audio-level extension. */
    public NegotiatedStream withoutAudioLevelExtension() {
        return new NegotiatedStream(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction,
                bandwidthKbps, firAgreed, -1, receiveCap, absSendTimeExtensionId);
    }

    /** The same stream without abs-send-time. */
    public NegotiatedStream withoutAbsSendTime() {
        return new NegotiatedStream(kind, codec, payloadType, fmtp, telephoneEventPayloadType, direction,
                bandwidthKbps, firAgreed, audioLevelExtensionId, receiveCap, -1);
    }

    /** Whether we write abs-send-time into the packets we send on this stream. */
    public boolean hasAbsSendTime() {
        return absSendTimeExtensionId > 0;
    }
}
