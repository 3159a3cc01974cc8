package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;

import java.util.List;
import java.util.Set;

/**
 * What the MCU can receive and send, per media kind, most preferred first. Immutable.
 *
 * @param audio                   audio codecs in our order of preference (no telephone-event here)
 * @param video                   video codecs in our order of preference; empty refuses video
 * @param telephoneEvent          whether RFC 4733 DTMF is accepted when offered
 * @param audioReceiveKbps        the b=AS we ask for on audio, 0 writes none
 * @param videoReceiveKbps        the b=AS we ask for on video, 0 writes none
 * @param h264LevelIdc            the H.264 level we can decode (0x1f = 3.1), written in our profile-level-id
 * @param h264PacketizationMode   the mode we prefer when the offer has both 0 and 1 (1: FU-A fragments
 *                                large NAL units; 0 forces the encoder to cap slice size)
 * @param protocols               m= line transport protocols we accept (plain RTP and SDES-SRTP by default)
 */
public record MediaCapabilities(List<Codec> audio, List<Codec> video, boolean telephoneEvent,
                                int audioReceiveKbps, int videoReceiveKbps, int h264LevelIdc,
                                int h264PacketizationMode, Set<String> protocols) {

    public static final Set<String> PLAIN_RTP = Set.of("RTP/AVP", "RTP/AVPF");
    /** SRTP keyed in the SDP itself (RFC 4568 a=crypto), as SIP phones offer it. */
    public static final Set<String> SDES_SRTP = Set.of("RTP/SAVP", "RTP/SAVPF");
    /** What a SIP phone may offer: plain RTP or SDES-keyed SRTP. */
    public static final Set<String> PHONES = Set.of("RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF");
    /** What browsers offer: RTP over DTLS-SRTP with ICE (RFC 8827). */
    public static final String WEBRTC_PROTOCOL = "UDP/TLS/RTP/SAVPF";
    public static final Set<String> WEBRTC = Set.of(WEBRTC_PROTOCOL);

    public MediaCapabilities {
        audio = List.copyOf(audio);
        video = List.copyOf(video);
        protocols = Set.copyOf(protocols);
        for (Codec c : audio) {
            if (c.kind() != MediaKind.AUDIO || c == Codec.TELEPHONE_EVENT) {
                throw new IllegalArgumentException(c + " is not an audio codec");
            }
        }
        for (Codec c : video) {
            if (c.kind() != MediaKind.VIDEO) {
                throw new IllegalArgumentException(c + " is not a video codec");
            }
        }
    }

    /** Opus, G.722, PCMU, PCMA with DTMF; H.264 constrained baseline up to level 3.1, then VP8; RTP or SDES-SRTP. */
    public static MediaCapabilities defaults() {
        return new MediaCapabilities(List.of(Codec.OPUS, Codec.G722, Codec.PCMU, Codec.PCMA),
                List.of(Codec.H264, Codec.VP8), true, 64, 2000, 0x1f, 1, PHONES);
    }

    public MediaCapabilities withAudio(List<Codec> codecs) {
        return new MediaCapabilities(codecs, video, telephoneEvent, audioReceiveKbps, videoReceiveKbps,
                h264LevelIdc, h264PacketizationMode, protocols);
    }

    public MediaCapabilities withVideo(List<Codec> codecs) {
        return new MediaCapabilities(audio, codecs, telephoneEvent, audioReceiveKbps, videoReceiveKbps,
                h264LevelIdc, h264PacketizationMode, protocols);
    }

    /** These capabilities for other m= line protocols (e.g. {@link #WEBRTC}). */
    public MediaCapabilities withProtocols(Set<String> accepted) {
        return new MediaCapabilities(audio, video, telephoneEvent, audioReceiveKbps, videoReceiveKbps,
                h264LevelIdc, h264PacketizationMode, accepted);
    }

    public List<Codec> codecs(MediaKind kind) {
        return kind == MediaKind.AUDIO ? audio : video;
    }

    public int receiveKbps(MediaKind kind) {
        return kind == MediaKind.AUDIO ? audioReceiveKbps : videoReceiveKbps;
    }

    /** Our profile-level-id: constrained baseline (42e0) at our level. */
    public String h264ProfileLevelId(int levelIdc) {
        return String.format("42e0%02x", levelIdc);
    }
}
