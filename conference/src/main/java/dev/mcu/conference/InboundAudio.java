package dev.mcu.conference;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.rtp.AudioLevelIndication;
import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One participant's incoming audio: RTP from the event loop, decoded on the participant's serial
 * executor (jitter buffer → FFmpeg decoder, resampled to 48 kHz mono) into a playout buffer that
 * the room's audio lane reads every 20 ms.
 *
 * <p>When the sender puts its own level in an RFC 6464 header extension (browsers do), the level of
 * the newest decoded packet is kept and {@link #levelDbov} reports it instead of measuring the
 * decoded frame; a level older than {@link #SIGNALLED_LEVEL_MAX_AGE_MILLIS} counts as absent.
 *
 * <p>Silence costs no decode: a packet whose RFC 6464 level says "no voice, at or below
 * {@link #SILENT_AT_OR_BELOW_DBOV}", or an Opus packet of at most {@link #OPUS_SILENT_MAX_BYTES} bytes
 * (a DTX or empty frame: no codec can carry speech in so few), is dropped before the decode queue,
 * as if the sender used DTX. In a room of a thousand where three talk, that is 997 decodes saved
 * every 20 ms; the participant is simply absent from the round, as a silent one is anyway.
 *
 * <p>Threads: {@link #offer} on the Netty event loop; decoding on the serial executor;
 * {@link #readFrame}, {@link #levelDbov} and {@link #setDecoding} on the room's audio lane. The decoder is owned here and closed on the serial
 * executor.
 */
final class InboundAudio implements AutoCloseable {
    static final int MAX_PENDING_PACKETS = 100;
    static final long SIGNALLED_LEVEL_MAX_AGE_MILLIS = 100;
    private static final long NO_LEVEL = Long.MIN_VALUE;
    /** A signalled level this low without the voice bit is silence (room noise sits around -50..-60 dBov). */
    static final int SILENT_AT_OR_BELOW_DBOV = -70;
    /** Opus at its lowest useful rate (6 kbit/s) needs 15 bytes for 20 ms: 8 bytes or fewer hold no speech. */
    static final int OPUS_SILENT_MAX_BYTES = 8;

    private final JitterBuffer jitterBuffer = JitterBuffer.forAudio();
    private final AudioDecoder decoder;          // owned: closed on the decode executor in close()
    private final PcmPlayoutBuffer playout = PcmPlayoutBuffer.forVoice();
    private final LongSupplier clockMillis;
    private final DecodeQueue queue;
    private final int audioLevelExtensionId;    // RFC 8285 id of the RFC 6464 level, -1: not agreed
    /** (clock millis << 8) | RFC 6464 indication byte of the newest decoded packet; written by the decoder. */
    private volatile long signalledLevel = NO_LEVEL;
    private volatile boolean decoding = true;
    private volatile boolean resyncNeeded;
    private final AtomicLong skippedNotHeard = new AtomicLong();
    private final AtomicLong skippedSilent = new AtomicLong();
    private final boolean opus;

    /** @param audioLevelExtensionId the agreed id of the RFC 6464 audio level, or -1 */
    InboundAudio(Codec codec, Executor decodeExecutor, LongSupplier clockMillis, int audioLevelExtensionId) {
        this(codec, decodeExecutor, clockMillis, audioLevelExtensionId, MediaTimings.NONE);
    }

    /** @param timings told of packets dropped because the decode queue is full */
    InboundAudio(Codec codec, Executor decodeExecutor, LongSupplier clockMillis, int audioLevelExtensionId,
                 MediaTimings timings) {
        this.queue = new DecodeQueue(decodeExecutor, MAX_PENDING_PACKETS, this::process, timings::decodeQueueOverflowed);
        this.clockMillis = clockMillis;
        this.decoder = new AudioDecoder(codec);
        this.audioLevelExtensionId = audioLevelExtensionId;
        this.opus = codec == Codec.OPUS;
    }

    void offer(RtpPacket packet) {
        if (!decoding) {
            // Muted, or an attendee: nobody hears it, so don't spend a decode on it.
            skippedNotHeard.incrementAndGet();
            return;
        }
        if (silent(packet)) {
            skippedSilent.incrementAndGet();
            resyncNeeded = true; // the sequence will jump when speech resumes, as after DTX
            return;
        }
        queue.offer(packet);
    }

    /** Event loop: whether the packet says, before any decoding, that it carries no speech. */
    private boolean silent(RtpPacket packet) {
        if (audioLevelExtensionId > 0) {
            int indication = AudioLevelIndication.read(packet, audioLevelExtensionId);
            if (indication != AudioLevelIndication.ABSENT) {
                // The sender's own level wins over the packet's size: it may say "loud" over a tiny
                // frame (and such a sender must still take the floor).
                return !AudioLevelIndication.voice(indication)
                        && AudioLevelIndication.dbov(indication) <= SILENT_AT_OR_BELOW_DBOV;
            }
        }
        return opus && packet.payloadLength() <= OPUS_SILENT_MAX_BYTES;
    }

    /** Packets dropped before decoding because they carried silence. */
    long skippedSilent() {
        return skippedSilent.get();
    }

    /** Room clock: whether what this participant says is heard (not muted, not an attendee). */
    void setDecoding(boolean heard) {
        if (heard != decoding) {
            decoding = heard;
            resyncNeeded = heard;
        }
    }

    long skippedNotHeard() {
        return skippedNotHeard.get();
    }

    private void process(RtpPacket packet) {
        if (resyncNeeded) {
            // Packets were skipped while muted: the sequence jumped, start the jitter buffer afresh.
            resyncNeeded = false;
            jitterBuffer.reset();
        }
        long now = clockMillis.getAsLong();
        jitterBuffer.insert(packet, now);
        RtpPacket next;
        while ((next = jitterBuffer.poll(now)) != null) {
            rememberSignalledLevel(next, now);
            short[] pcm = decoder.decode(next.buffer(), next.payloadOffset(), next.payloadLength());
            playout.write(pcm, 0, pcm.length);
        }
    }

    /** 20 ms frames made up because a packet was lost or late ({@link LossConcealment}). */
    long framesConcealed() {
        return playout.framesConcealed();
    }

    private void rememberSignalledLevel(RtpPacket packet, long now) {
        if (audioLevelExtensionId > 0) {
            int indication = AudioLevelIndication.read(packet, audioLevelExtensionId);
            if (indication != AudioLevelIndication.ABSENT) {
                signalledLevel = (now << 8) | indication;
            }
        }
    }

    /**
     * The level of this participant's frame just read, in dBov: what the sender signalled (RFC 6464)
     * within the last {@link #SIGNALLED_LEVEL_MAX_AGE_MILLIS}, else measured from {@code frame}.
     * Media clock.
     */
    double levelDbov(short[] frame) {
        long latest = signalledLevel;
        if (latest != NO_LEVEL && clockMillis.getAsLong() - (latest >> 8) <= SIGNALLED_LEVEL_MAX_AGE_MILLIS) {
            return AudioLevelIndication.dbov((int) (latest & 0xff));
        }
        return AudioLevel.dbov(frame);
    }

    /** Fills {@code out} (960 samples) with this participant's next 20 ms; false when it is silent. */
    boolean readFrame(short[] out) {
        return out.length == Audio.FRAME_SAMPLES && playout.read(out);
    }

    int queueDepth() {
        return queue.depth();
    }

    long droppedOverflow() {
        return queue.droppedOverflow();
    }

    long packetsDecoded() {
        return decoder.packets();
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
