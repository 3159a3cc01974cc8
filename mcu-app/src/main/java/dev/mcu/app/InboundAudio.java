package dev.mcu.app;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One participant's incoming audio: RTP from the event loop, decoded on the participant's serial
 * executor (jitter buffer → FFmpeg decoder, resampled to 48 kHz mono) into a playout buffer that
 * the room's media clock reads every 20 ms.
 *
 * <p>Threads: {@link #offer} on the Netty event loop; decoding on the serial executor;
 * {@link #readFrame} on the media clock. The decoder is owned here and closed on the serial
 * executor.
 */
final class InboundAudio implements AutoCloseable {
    static final int MAX_PENDING_PACKETS = 100;

    private final JitterBuffer jitterBuffer = JitterBuffer.forAudio();
    private final AudioDecoder decoder;          // owned: closed on the decode executor in close()
    private final PcmPlayoutBuffer playout = PcmPlayoutBuffer.forVoice();
    private final LongSupplier clockMillis;
    private final DecodeQueue queue;

    InboundAudio(Codec codec, Executor decodeExecutor, LongSupplier clockMillis) {
        this.queue = new DecodeQueue(decodeExecutor, MAX_PENDING_PACKETS, this::process);
        this.clockMillis = clockMillis;
        this.decoder = new AudioDecoder(codec);
    }

    void offer(RtpPacket packet) {
        queue.offer(packet);
    }

    private void process(RtpPacket packet) {
        long now = clockMillis.getAsLong();
        jitterBuffer.insert(packet, now);
        RtpPacket next;
        while ((next = jitterBuffer.poll(now)) != null) {
            short[] pcm = decoder.decode(next.buffer(), next.payloadOffset(), next.payloadLength());
            playout.write(pcm, 0, pcm.length);
        }
    }

    /** Fills {@code out} (960 samples) with this participant's next 20 ms; false when it is silent. */
    boolean readFrame(short[] out) {
        return out.length == Audio.FRAME_SAMPLES && playout.read(out);
    }

    long droppedOverflow() {
        return queue.droppedOverflow();
    }

    long decodeErrors() {
        return decoder.errors();
    }

    @Override
    public void close() {
        // The SIP layer may keep the ended call (and so this object) for a while: free the big parts now.
        queue.closeThen(() -> {
            decoder.close();
            jitterBuffer.reset();
        });
    }
}
