package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.webrtc.DtlsFingerprint;
import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.webrtc.RemoteIceParameters;

/**
 * The ICE-lite and DTLS-SRTP side of a transport that carries a browser's media, as signalling
 * needs it: what our answer states, and what the browser's offer asked for. Called on SIP threads.
 */
public interface WebRtcSession {

    /** What our SDP answer says about this transport. */
    LocalWebRtc localDescription();

    /**
     * Applies the browser's ICE credentials, certificate fingerprint and a=setup from its offer;
     * repeating the same credentials (a re-offer) changes nothing.
     */
    void configureWebRtc(RemoteIceParameters remote, DtlsFingerprint fingerprint, String setup);

    /** Answers NACKs for this media kind with RFC 4588 retransmissions on this payload type (-1: none agreed). */
    void useRtx(MediaKind kind, int payloadType);
}
