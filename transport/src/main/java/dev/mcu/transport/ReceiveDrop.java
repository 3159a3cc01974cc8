package dev.mcu.transport;

import java.util.Locale;

/**
 * Why a received packet of a stream was thrown away before reaching the room; each reason has its
 * own counter in {@link TransportStats#droppedByReason()}, keyed by {@link #label()}.
 */
public enum ReceiveDrop {
    /** The stream is not set up yet. */
    NOT_SET_UP,
    /** Larger than the configured maximum packet size, or under two bytes. */
    SIZE,
    /** Not RTP/RTCP that parses. */
    MALFORMED,
    /** An RTP payload type the answer did not agree to. */
    WRONG_PAYLOAD_TYPE,
    /** From another source than the latched one, not continuing its stream. */
    OTHER_SOURCE,
    /** The agreed direction says the remote does not send. */
    NOT_RECEIVING,
    /** WebRTC: before DTLS produced SRTP keys. */
    BEFORE_DTLS,
    /** WebRTC: SRTP/SRTCP that failed authentication, was replayed or is malformed. */
    SRTP,
    /** WebRTC: a payload type no negotiated stream uses. */
    UNKNOWN_PAYLOAD_TYPE;

    /** The key in {@link TransportStats#droppedByReason()}: lower case with dashes, e.g. "other-source". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
