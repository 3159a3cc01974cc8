package dev.mcu.conference;

import dev.mcu.media.Audio;

/**
 * A participant's decoded audio waiting for the room's mix: 48 kHz mono samples, written by the
 * participant's decode task and read every 20 ms by the room's audio lane (the only two threads;
 * both calls are short and synchronized).
 *
 * <p>It absorbs network jitter with a small playout delay: after running dry it waits until
 * {@code primeSamples} are buffered before it plays again. Delay must not creep up either: when
 * more than {@code primeSamples} plus one frame is still queued after a read (a burst arrived, or
 * the sender's clock runs fast), one frame's worth of the oldest audio is skipped. That alone stops
 * at up to one frame above the playout delay, so a stall of the reader (the audio lane skips the
 * rounds it missed) used to leave 40 ms more delay for good: audio then came 45 ms after the
 * picture. So the lowest level left after a read is also watched over a second: audio that stayed
 * queued that whole second is delay no jitter needed, and is skipped, back to what a steady stream
 * leaves ({@code primeSamples} less one frame). Jitter that comes and goes empties the buffer now
 * and then, so it keeps its headroom. It never holds more than
 * {@code capacitySamples}; everything skipped or dropped is counted. When it runs dry while
 * playing, the missing audio is made up ({@link LossConcealment}) for up to 100 ms before the
 * participant falls silent and the buffer primes again.
 */
final class PcmPlayoutBuffer {
    private final short[] ring;
    private final int primeSamples;
    private int readIndex;
    private int size;
    private boolean priming = true;
    private long samplesDropped;
    private long underruns;
    private final LossConcealment concealment = new LossConcealment();
    private long framesConcealed;
    /** Reads over which the lowest level is watched for delay that never drains (one second of 20 ms frames). */
    static final int STANDING_DELAY_WINDOW_READS = 50;
    private int readsInWindow;
    private int lowestLevelInWindow = Integer.MAX_VALUE;
    private long standingDelayTrims;

    PcmPlayoutBuffer(int primeSamples, int capacitySamples) {
        if (primeSamples > capacitySamples) {
            throw new IllegalArgumentException("prime " + primeSamples + " > capacity " + capacitySamples);
        }
        this.ring = new short[capacitySamples];
        this.primeSamples = primeSamples;
    }

    static PcmPlayoutBuffer forVoice() {
        // 40 ms playout delay; bursts of up to 200 ms are held, then trimmed back to 40 ms.
        return new PcmPlayoutBuffer(2 * Audio.FRAME_SAMPLES, 10 * Audio.FRAME_SAMPLES);
    }

    synchronized void write(short[] samples, int offset, int length) {
        // Copied in at most two runs (the ring wraps once): this is on every decoded packet's path.
        int tooMany = Math.max(0, length - ring.length); // only the newest ring.length samples can stay
        offset += tooMany;
        length -= tooMany;
        int overflow = size + length - ring.length;      // the oldest queued samples make room
        if (overflow > 0) {
            readIndex = (readIndex + overflow) % ring.length;
            size -= overflow;
        }
        samplesDropped += tooMany + Math.max(0, overflow);
        int writeAt = (readIndex + size) % ring.length;
        int first = Math.min(length, ring.length - writeAt);
        System.arraycopy(samples, offset, ring, writeAt, first);
        System.arraycopy(samples, offset + first, ring, 0, length - first);
        size += length;
    }

    /**
     * Fills {@code out} with the next samples. Returns false (and leaves {@code out} untouched)
     * while priming or when there is not a whole frame: the participant is silent this tick.
     */
    synchronized boolean read(short[] out) {
        if (priming) {
            if (size < primeSamples) {
                return false;
            }
            priming = false;
        }
        if (size < out.length) {
            // Running dry while playing: a packet is lost or late. Make up the rest of this frame
            // (up to 100 ms in a row) rather than fall silent; what comes late is trimmed below.
            int have = size;
            take(out, have);
            concealment.heard(out, have);
            if (concealment.conceal(out, have, out.length - have)) {
                framesConcealed++;
                watchStandingDelay(out.length);
                return true;
            }
            readIndex = Math.floorMod(readIndex - have, ring.length); // give the partial frame back
            size += have;
            underruns++;
            priming = true;
            readsInWindow = 0;
            lowestLevelInWindow = Integer.MAX_VALUE;
            return false;
        }
        take(out, out.length);
        concealment.heard(out, out.length);
        if (size > primeSamples + out.length) {
            int skip = Math.min(out.length, size - primeSamples);
            readIndex = (readIndex + skip) % ring.length;
            size -= skip;
            samplesDropped += skip;
        }
        watchStandingDelay(out.length);
        return true;
    }

    /** After each read: at the end of a window, skips what stayed queued through all of it beyond the steady level. */
    private void watchStandingDelay(int frameSamples) {
        lowestLevelInWindow = Math.min(lowestLevelInWindow, size);
        if (++readsInWindow < STANDING_DELAY_WINDOW_READS) {
            return;
        }
        int excess = lowestLevelInWindow - Math.max(0, primeSamples - frameSamples);
        if (excess > 0) {
            readIndex = (readIndex + excess) % ring.length;
            size -= excess;
            samplesDropped += excess;
            standingDelayTrims++;
        }
        readsInWindow = 0;
        lowestLevelInWindow = Integer.MAX_VALUE;
    }

    private void take(short[] out, int count) {
        int first = Math.min(count, ring.length - readIndex);
        System.arraycopy(ring, readIndex, out, 0, first);
        System.arraycopy(ring, 0, out, first, count - first);
        readIndex = (readIndex + count) % ring.length;
        size -= count;
    }

    /** Frames read while the buffer had run dry, made up by {@link LossConcealment}. */
    synchronized long framesConcealed() {
        return framesConcealed;
    }

    /** Times delay that had stayed queued for a whole window was skipped. */
    synchronized long standingDelayTrims() {
        return standingDelayTrims;
    }

    synchronized int buffered() {
        return size;
    }

    synchronized long samplesDropped() {
        return samplesDropped;
    }

    synchronized long underruns() {
        return underruns;
    }
}
