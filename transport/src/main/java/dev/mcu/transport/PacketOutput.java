package dev.mcu.transport;

import java.net.InetSocketAddress;

/**
 * Where a {@link MediaEndpoint} writes its packets: plain UDP sockets for SIP phones, or one shared
 * socket with SRTP protection for WebRTC. Called from the sending thread (RTP) and from the
 * transport's event loop (RTCP, retransmissions); implementations must be thread-safe and must
 * never modify {@code packet}, which is shared by every receiver of an output profile.
 */
public interface PacketOutput {

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

    /** Sends one RTCP compound packet; {@code muxed} says whether RTCP shares the RTP port. */
    void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed);
}
