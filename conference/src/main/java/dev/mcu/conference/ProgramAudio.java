package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.MediaTransport;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The room's full mix as the attendees hear it: per codec one RTP stream (one SSRC, sequence and
 * timestamp), whose packet is built once a round and handed as the same bytes to every attendee
 * of that codec (the transport only rewrites the payload type). An attendee costs the room one
 * send per packet: no encoder, no header of its own, no work when nobody of a codec listens.
 *
 * <p>The room's audio lane only.
 */
final class ProgramAudio {
    private final Map<Codec, Stream> streams = new EnumMap<>(Codec.class);
    /** How far each round's first receiver moves on (a prime, so that over rounds every start is taken). */
    private static final int ROTATION_STRIDE = 7919;

    private static final class Stream {
        final Codec codec;
        final List<MediaTransport> receivers = new ArrayList<>();
        final long ssrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
        int sequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16);
        long timestamp = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
        boolean first = true;

        Stream(Codec codec) {
            this.codec = codec;
        }
    }

    void add(Codec codec, MediaTransport receiver) {
        streams.computeIfAbsent(codec, Stream::new).receivers.add(receiver);
    }

    void remove(Codec codec, MediaTransport receiver) {
        Stream stream = streams.get(codec);
        if (stream != null) {
            stream.receivers.remove(receiver);
            if (stream.receivers.isEmpty()) {
                streams.remove(codec);
            }
        }
    }

    /** Whether any attendee hears the room in {@code codec}. */
    boolean hasReceivers(Codec codec) {
        return streams.containsKey(codec); // a codec's stream goes when its last receiver does
    }

    int receivers() {
        int n = 0;
        for (Stream s : streams.values()) {
            n += s.receivers.size();
        }
        return n;
    }

    /**
     * Sends this round's mix to every attendee.
     *
     * @param encoded the round's full mix in a codec, encoded at most once per codec per round (the
     *                room shares it with its non-speaking participants)
     */
    void send(Function<Codec, byte[]> encoded) {
        for (Stream s : streams.values()) {
            byte[] payload = encoded.apply(s.codec);
            if (payload != null && payload.length > 0) {
                // The marker bit starts a talkspurt (RFC 3551 §4.1): only the stream's first packet.
                byte[] packet = RtpPacket.build(0, s.first, s.sequenceNumber, s.timestamp, s.ssrc, payload);
                // Each round starts at another receiver: when the transport has to drop packets it could
                // not send in time, the loss falls on everyone in turn, not always on the list's tail.
                int n = s.receivers.size();
                int first = n == 0 ? 0 : Math.floorMod(s.sequenceNumber * ROTATION_STRIDE, n);
                for (int k = 0; k < n; k++) {
                    int i = first + k < n ? first + k : first + k - n;
                    s.receivers.get(i).sendRtp(MediaKind.AUDIO, packet);
                }
                s.sequenceNumber = (s.sequenceNumber + 1) & 0xffff;
                s.first = false;
            }
            s.timestamp = (s.timestamp + s.codec.ticksPer20ms()) & 0xffffffffL;
        }
    }
}
