package dev.mcu.conference;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.MediaTransport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The audio one participant hears, as its own RTP stream (its own SSRC, sequence and timestamp).
 * While it is one of the room's current speakers it hears its own mix-minus, encoded by its own
 * encoder at a lower Opus complexity than the shared one, since there are several a round,
 * and tuned for audio (CELT: half the CPU of the hybrid mode voice tuning picks at 32 kbit/s)
 * ({@link #sendOwnMix}); otherwise it is sent the payload encoded once for every listener
 * of its codec ({@link #sendSharedPayload}), and only its RTP header is its own. Opus in-band FEC
 * only when the participant said it uses it ({@code useinbandfec=1}, RFC 7587).
 *
 * <p>The room's audio lane only; the encoder is owned here.
 */
final class OutboundAudio implements AutoCloseable {
    private final Codec codec;
    private final boolean inbandFec;
    private final AudioEncoder encoder;          // owned: closed in close(); created on first use
    private final MediaTransport transport;      // borrowed from the call
    private final int payloadType;
    private final long ssrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private int sequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16);
    private long timestamp = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private boolean first = true;

    OutboundAudio(Codec codec, MediaTransport transport, int payloadType, boolean inbandFec) {
        this.codec = codec;
        this.inbandFec = inbandFec;
        // heard by this one only: a lower complexity, and CELT unless it asked for FEC
        this.encoder = AudioEncoder.forOneListener(codec, inbandFec);
        this.transport = transport;
        this.payloadType = payloadType;
    }

    Codec codec() {
        return codec;
    }

    /** Whether this participant uses Opus in-band FEC: the shared payload it is sent is encoded to match. */
    boolean inbandFec() {
        return inbandFec;
    }

    /** Encodes and sends this participant's own mix (it is a current speaker). */
    void sendOwnMix(short[] pcm48kMono) {
        sendSharedPayload(encoder.encode(pcm48kMono));
    }

    /** Sends a payload encoded for many listeners; only the RTP header is this stream's. */
    void sendSharedPayload(byte[] payload) {
        if (payload != null && payload.length > 0) {
            // The marker bit starts a talkspurt (RFC 3551 §4.1): only the first packet here.
            byte[] packet = RtpPacket.build(payloadType, first, sequenceNumber, timestamp, ssrc, payload);
            transport.sendRtp(MediaKind.AUDIO, packet);
            sequenceNumber = (sequenceNumber + 1) & 0xffff;
            first = false;
        }
        timestamp = (timestamp + codec.ticksPer20ms()) & 0xffffffffL;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
