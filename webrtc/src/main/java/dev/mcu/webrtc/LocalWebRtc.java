package dev.mcu.webrtc;

import dev.mcu.media.MediaKind;

import java.util.Map;

/**
 * Our side of a WebRTC call as the SDP answer states it: ICE-lite credentials, the DTLS certificate
 * fingerprint, the one host candidate (the shared UDP port) and what we send (one SSRC per media
 * kind, named by a=ssrc and a=msid). Immutable.
 *
 * @param fingerprint      the a=fingerprint value, e.g. {@code sha-256 AB:CD:...}
 * @param candidateAddress the address browsers reach us on (the configured, advertised one)
 * @param candidatePort    the shared WebRTC port
 * @param streamId         the a=msid stream id of everything we send
 * @param ssrcs            the SSRC we send on each media kind
 * @param rtxSsrcs         the SSRC of our RFC 4588 retransmissions per media kind (used when rtx is agreed)
 */
public record LocalWebRtc(String iceUfrag, String icePassword, String fingerprint, String candidateAddress,
                          int candidatePort, String cname, String streamId, Map<MediaKind, Long> ssrcs,
                          Map<MediaKind, Long> rtxSsrcs) {
    public LocalWebRtc {
        ssrcs = Map.copyOf(ssrcs);
        rtxSsrcs = Map.copyOf(rtxSsrcs);
    }
}
