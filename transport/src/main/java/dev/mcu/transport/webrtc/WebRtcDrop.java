package dev.mcu.transport.webrtc;

/** Why a datagram on the shared WebRTC port was thrown away; each reason has its own counter. */
public enum WebRtcDrop {
    /** Neither STUN, DTLS, RTP nor RTCP (RFC 7983), or larger than the configured maximum. */
    UNCLASSIFIED,
    /** STUN that does not parse, or carries no USERNAME to route it by. */
    STUN_MALFORMED,
    /** STUN whose USERNAME names no local ufrag of an open transport. */
    STUN_UNKNOWN_USERNAME,
    /** STUN the participant's ICE agent refused (bad integrity, wrong remote ufrag, role conflict...). */
    STUN_REJECTED,
    /** DTLS from an address no valid ICE check came from. */
    DTLS_FROM_UNKNOWN_ADDRESS,
    /** DTLS the handshake could not queue (full, or the endpoint is closed or not set up). */
    DTLS_NOT_QUEUED,
    /** RTP/RTCP from an address no valid ICE check came from. */
    MEDIA_FROM_UNKNOWN_ADDRESS,
    /** RTP/RTCP before the DTLS handshake produced SRTP keys. */
    MEDIA_BEFORE_DTLS,
    /** An RTP payload type no negotiated stream uses. */
    UNKNOWN_PAYLOAD_TYPE,
    /**
     * The browser's rtx stream (bandwidth-probe padding; retransmissions would answer NACKs we do not
     * send): not read. Not counted in the stream's {@code dropped}.
     */
    RTX_NOT_READ,
    /** SRTP/SRTCP whose authentication tag is wrong. */
    SRTP_AUTH_FAILED,
    /** SRTP/SRTCP seen before or older than the replay window. */
    SRTP_REPLAYED,
    /** SRTP/SRTCP too short or with a broken header. */
    SRTP_MALFORMED
}
