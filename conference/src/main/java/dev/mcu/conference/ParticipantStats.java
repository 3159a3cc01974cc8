package dev.mcu.conference;

import dev.mcu.transport.TransportStats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters of one participant, in the order its media flows: what it sent us is received,
 * queued for the decoder and decoded, then mixed; what we send it is counted on the way out.
 * An immutable snapshot; {@code audio} or {@code video} is null when the participant has no such
 * stream.
 */
public record ParticipantStats(Media audio, Media video, Mixer mixer) {

    /**
     * A stream that is never decoded (an attendee's): the transport's counters, plus the packets
     * dropped unread under {@code droppedReason}.
     */
    static Media ofTransport(TransportStats t, String droppedReason, long dropped) {
        Map<String, Long> drops = new LinkedHashMap<>(t.droppedByReason());
        drops.put(droppedReason, dropped);
        return new Media(new Receive(t.packetsReceived(), t.bytesReceived(), t.packetsLost(), t.reordered(),
                t.jitterRtpUnits(), drops), new DecodeQueue(0, 0), new Decoder(0, 0, 0, 0),
                new Send(t.packetsSent(), t.bytesSent(), t.retransmitted(), t.keyframeRequestsReceived()));
    }

    /** One media kind, from the wire to the decoder and back out. */
    public record Media(Receive receive, DecodeQueue decodeQueue, Decoder decoder, Send send) {
    }

    /**
     * @param lost            from sequence gaps (RFC 3550 A.3)
     * @param reordered       arrived behind a later packet, or twice
     * @param jitterRtpUnits  interarrival jitter (RFC 3550 A.8) in the codec's RTP clock units
     * @param droppedByReason packets thrown away before decoding, by why: the transport's
     *                        ({@code malformed}, {@code other-source}, {@code srtp}, ...), then
     *                        {@code hidden} (video nobody sees) and {@code not-heard} (muted, attendee)
     */
    public record Receive(long packets, long bytes, long lost, long reordered, long jitterRtpUnits,
                          Map<String, Long> droppedByReason) {
        public Receive {
            droppedByReason = Map.copyOf(droppedByReason);
        }
    }

    /** @param depth packets waiting for the decoder now */
    public record DecodeQueue(int depth, long overflowDrops) {
    }

    /**
     * @param frames    decoded pictures (video) or packets (audio)
     * @param concealed audio: 20 ms frames made up while packets were lost or late (loss concealment)
     */
    public record Decoder(long frames, long errors, long keyframesAsked, long concealed) {
    }

    /**
     * @param visible   has a tile in the layout
     * @param mixed     was among the mixed speakers in the last 20 ms round
     * @param levelDbov the level of its last 20 ms, -127 when silent
     */
    public record Mixer(boolean visible, boolean mixed, double levelDbov) {
    }

    /**
     * @param nacksServed              packets retransmitted on the receiver's NACK
     * @param keyframeRequestsReceived PLI and FIR the receiver sent us
     */
    public record Send(long packets, long bytes, long nacksServed, long keyframeRequestsReceived) {
    }
}
