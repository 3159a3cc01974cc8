package dev.mcu.app;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.MediaTransport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The audio a participant hears: its mix-minus, encoded in its own codec and sent as its own RTP
 * stream. Media clock thread only; the encoder is owned here.
 */
final class OutboundAudio implements AutoCloseable {
    private final AudioEncoder encoder;          // owned: closed in close()
    private final MediaTransport transport;      // borrowed from the call
    private final int payloadType;
    private final long ssrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private int sequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16);
    private long timestamp = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private boolean first = true;

    OutboundAudio(AudioEncoder encoder, MediaTransport transport, int payloadType) {
        this.encoder = encoder;
        this.transport = transport;
        this.payloadType = payloadType;
    }

    void send(short[] pcm48kMono) {
        byte[] payload = encoder.encode(pcm48kMono);
        if (payload != null && payload.length > 0) {
            // The marker bit starts a talkspurt (RFC 3551 §4.1): only the first packet here.
            byte[] packet = RtpPacket.build(payloadType, first, sequenceNumber, timestamp, ssrc, payload);
            transport.sendRtp(MediaKind.AUDIO, packet);
            sequenceNumber = (sequenceNumber + 1) & 0xffff;
            first = false;
        }
        timestamp = (timestamp + encoder.rtpTicksPerFrame()) & 0xffffffffL;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
