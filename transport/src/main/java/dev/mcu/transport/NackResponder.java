package dev.mcu.transport;

import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.RtpPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers the remote's NACKs (RFC 4585 generic NACK) from a cache of what this stream sent: the
 * packet again as it was sent (with the sequence number and SSRC the receiver saw, which an output
 * layer switch may have rewritten), or, once the answer agreed to rtx, as an RFC 4588
 * retransmission with its own payload type, SSRC and sequence numbers.
 *
 * <p>Threads: {@link #remember} from the sending thread (the cache is thread-safe);
 * {@link #retransmit} on the transport's event loop, which alone advances the rtx sequence number.
 */
final class NackResponder {
    private static final int CACHE_PACKETS = 512;

    private final PacketOutput output;  // borrowed
    private final StreamCounters counters;
    private final SentPacketCache sent = new SentPacketCache(CACHE_PACKETS);
    private volatile int rtxPayloadType = -1;
    private volatile long rtxSsrc;
    private int rtxSequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16); // event loop only

    NackResponder(PacketOutput output, StreamCounters counters) {
        this.output = output;
        this.counters = counters;
    }

    void useRtx(int payloadType, long ssrc) {
        this.rtxSsrc = ssrc;
        this.rtxPayloadType = payloadType;
    }

    int rtxPayloadType() {
        return rtxPayloadType;
    }

    /**
     * @param sequenceNumber {@code ssrc} and {@code absSendTime} (-1: none): what the packet went out
     *                       with
     */
    void remember(byte[] packet, int sequenceNumber, long ssrc, int absSendTime) {
        sent.put(packet, sequenceNumber, ssrc, absSendTime);
    }

    void forget() {
        sent.clear();
    }

    /**
     * Resends each NACKed packet we still hold that was sent under the NACK's media SSRC, with
     * abs-send-time under {@code absSendTimeId} ({@link PacketOutput#NO_ABS_SEND_TIME}: none). An rtx
     * packet is stamped now: it is a new packet to the receiver (and to SRTP). A packet resent as it
     * was keeps the stamp it first went out with: SRTP protects it again under the same index, and
     * AES-GCM must then see the same header, since one nonce over two different headers gives away
     * its authentication key.
     */
    void retransmit(GenericNack nack, int payloadType, int absSendTimeId, InetSocketAddress target) {
        for (int sequenceNumber : nack.lostSequenceNumbers()) {
            SentPacketCache.Sent packet = sent.get(sequenceNumber);
            if (packet != null && packet.ssrc() == nack.mediaSsrc()) {
                counters.retransmitted.increment();
                int rtx = rtxPayloadType;
                if (rtx >= 0) {
                    byte[] rtxPacket = rtxPacket(packet);
                    output.sendRtp(rtxPacket, rtx, rtxSsrc, SentPacketCache.sequenceNumber(rtxPacket), absSendTimeId,
                            AbsSendTime.value(System.nanoTime()), target);
                } else if (packet.absSendTime() >= 0 && absSendTimeId != PacketOutput.NO_ABS_SEND_TIME) {
                    output.sendRtp(packet.packet(), payloadType, packet.ssrc(), packet.sequenceNumber(), absSendTimeId,
                            packet.absSendTime(), target);
                } else {
                    output.sendRtp(packet.packet(), payloadType, packet.ssrc(), packet.sequenceNumber(), target);
                }
            }
        }
    }

    /**
     * The rtx form of a sent packet (RFC 4588 §4): its header with the next rtx sequence number, then
     * the sequence number it was sent with (OSN) and its payload.
     */
    private byte[] rtxPacket(SentPacketCache.Sent sent) {
        byte[] original = sent.packet();
        RtpPacket parsed = RtpPacket.parse(original);
        int header = parsed.payloadOffset() - parsed.offset();
        byte[] out = new byte[header + 2 + parsed.payloadLength()];
        System.arraycopy(original, parsed.offset(), out, 0, header);
        out[0] &= ~0x20; // the original's padding is not carried
        rtxSequenceNumber = (rtxSequenceNumber + 1) & 0xffff;
        out[2] = (byte) (rtxSequenceNumber >>> 8);
        out[3] = (byte) rtxSequenceNumber;
        out[header] = (byte) (sent.sequenceNumber() >>> 8);
        out[header + 1] = (byte) sent.sequenceNumber();
        System.arraycopy(original, parsed.payloadOffset(), out, header + 2, parsed.payloadLength());
        return out;
    }
}
