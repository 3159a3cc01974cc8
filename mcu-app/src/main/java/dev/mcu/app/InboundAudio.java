package dev.mcu.app;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    private final Executor decodeExecutor;
    private final JitterBuffer jitterBuffer = JitterBuffer.forAudio();
    private final AudioDecoder decoder;          // owned: closed on the decode executor in close()
    private final PcmPlayoutBuffer playout = PcmPlayoutBuffer.forVoice();
    private final LongSupplier clockMillis;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong droppedOverflow = new AtomicLong();
    private volatile boolean closed;

    InboundAudio(Codec codec, Executor decodeExecutor, LongSupplier clockMillis) {
        this.decodeExecutor = decodeExecutor;
        this.clockMillis = clockMillis;
        this.decoder = new AudioDecoder(codec);
    }

    void offer(RtpPacket packet) {
        if (closed) {
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING_PACKETS) {
            pending.decrementAndGet();
            droppedOverflow.incrementAndGet();
            return;
        }
        decodeExecutor.execute(() -> {
            pending.decrementAndGet();
            if (!closed) {
                process(packet);
            }
        });
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
        return droppedOverflow.get();
    }

    long decodeErrors() {
        return decoder.errors();
    }

    @Override
    public void close() {
        closed = true;
        decodeExecutor.execute(decoder::close);
    }
}
