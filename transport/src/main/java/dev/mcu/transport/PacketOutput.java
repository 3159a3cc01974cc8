package dev.mcu.transport;

import dev.mcu.media.rtp.AbsSendTime;

import java.net.InetSocketAddress;

/**
 * Where a {@link MediaEndpoint} writes its packets: plain UDP sockets for SIP phones, or one shared
 * socket with SRTP protection for WebRTC. Called from the sending thread (RTP) and from the
 * transport's event loop (RTCP, retransmissions); implementations must be thread-safe and must
 * never modify {@code packet}, which is shared by every receiver of an output profile.
 */
public interface PacketOutput {
    /** The abs-send-time id that adds none. */
    int NO_ABS_SEND_TIME = -1;

    /**
     * Sends a copy of an RTP packet with its payload type replaced by {@code payloadType} (the
     * marker bit kept) and, when {@code ssrc} is not negative, its SSRC replaced by {@code ssrc}.
     */
    void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target);

    /**
     * As {@link #sendRtp(byte[], int, long, InetSocketAddress)}, with the sequence number replaced
     * by {@code sequenceNumber} too (a receiver moved between output layers sees one continuous
     * stream). This default copies only when the number differs; an output that copies anyway
     * should write it into its own copy instead.
     */
    default void sendRtp(byte[] packet, int payloadType, long ssrc, int sequenceNumber, InetSocketAddress target) {
        if (packet.length >= 4 && SentPacketCache.sequenceNumber(packet) != sequenceNumber) {
            packet = packet.clone();
            packet[2] = (byte) (sequenceNumber >>> 8);
            packet[3] = (byte) sequenceNumber;
        }
        sendRtp(packet, payloadType, ssrc, target);
    }

    /**
     * As {@link #sendRtp(byte[], int, long, int, InetSocketAddress)}, with the abs-send-time element
     * carrying {@code absSendTime} ({@link AbsSendTime#value}) added under {@code absSendTimeId} (none
     * when the id is {@link #NO_ABS_SEND_TIME}). This default makes a copy for it; an output that copies
     * anyway should write the element into its own copy ({@link AbsSendTime#write}) instead.
     */
    default void sendRtp(byte[] packet, int payloadType, long ssrc, int sequenceNumber, int absSendTimeId,
                         int absSendTime, InetSocketAddress target) {
        byte[] stamped = absSendTimeId == NO_ABS_SEND_TIME ? packet : AbsSendTime.withValue(packet, absSendTimeId, absSendTime);
        sendRtp(stamped, payloadType, ssrc, sequenceNumber, target);
    }

    /**
     * The outputs' one copy of a shared packet: {@code packet} into {@code out} (room for its length +
     * {@link AbsSendTime#MAX_ADDED_BYTES}) with the payload type (marker kept), sequence number, SSRC
     * (when not negative) and abs-send-time (unless {@link #NO_ABS_SEND_TIME}) rewritten. Returns the
     * length written. {@code packet} must be at least an RTP fixed header.
     */
    static int copyForSending(byte[] packet, int payloadType, long ssrc, int sequenceNumber, int absSendTimeId,
                              int absSendTime, byte[] out) {
        int length = absSendTimeId == NO_ABS_SEND_TIME ? -1
                : AbsSendTime.write(packet, absSendTimeId, absSendTime, out, 0);
        if (length < 0) {
            System.arraycopy(packet, 0, out, 0, packet.length);
            length = packet.length;
        }
        out[1] = (byte) ((packet[1] & 0x80) | (payloadType & 0x7f));
        out[2] = (byte) (sequenceNumber >>> 8);
        out[3] = (byte) sequenceNumber;
        if (ssrc >= 0) {
            out[8] = (byte) (ssrc >>> 24);
            out[9] = (byte) (ssrc >>> 16);
            out[10] = (byte) (ssrc >>> 8);
            out[11] = (byte) ssrc;
        }
        return length;
    }

    /** Sends one RTCP compound packet; {@code muxed} says whether RTCP shares the RTP port. */
    void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed);
}
