package dev.mcu.mixer;

/**
 * Brings a wide (int) sum of voices into 16 bits without wrap-around and without hard clipping.
 *
 * <p>A peak envelope follower (instant attack, {@value #RELEASE_MILLIS} ms release) drives a
 * soft-knee gain: below {@link #KNEE} the signal passes untouched (the usual case: a few talkers
 * at speech level); above, the peak is mapped smoothly (exponential approach, slope 1 at the knee)
 * onto a level that never reaches {@link #CEILING}. Because the envelope is never below the
 * current sample, {@code |sample * gain| <= CEILING} (within the 0.1 % to which the gain is
 * cached): the final clamp to 16 bits never engages, so no hard clipping can be heard.
 * On a sudden loud onset the first half-cycle is soft-saturated rather than flattened; after that
 * the held envelope scales whole waveforms linearly.
 *
 * <p>State per output stream; confined to the room's media clock thread.
 */
final class Limiter {
    static final int CEILING = 32_000;
    static final int KNEE = 24_000;
    static final int RELEASE_MILLIS = 150;
    private static final double HEADROOM = CEILING - KNEE;
    private static final double RELEASE_PER_SAMPLE =
            Math.exp(-1.0 / (RELEASE_MILLIS * dev.mcu.media.Audio.SAMPLE_RATE / 1000.0));

    private double envelope;
    /** The gain for {@link #gainEnvelope}; recomputed only when the envelope moves by 0.1 %. */
    private double gain = 1.0;
    private double gainEnvelope;

    /**
     * Writes {@code sum - minus} (or {@code sum} when minus is null), limited, into out.
     * All arrays have at least {@code length} samples.
     */
    void process(int[] sum, short[] minus, short[] out, int length) {
        double env = envelope;
        for (int i = 0; i < length; i++) {
            int value = minus == null ? sum[i] : sum[i] - minus[i];
            env = Math.max(Math.abs((double) value), env * RELEASE_PER_SAMPLE);
            if (env <= KNEE) {
                out[i] = (short) value; // |value| <= KNEE < 32767: exact
                continue;
            }
            if (Math.abs(env - gainEnvelope) > env * 0.001) {
                // a slightly stale gain overshoots by at most 0.1 %: still well under 32767
                gain = gainFor(env);
                gainEnvelope = env;
            }
            long limited = Math.round(value * gain);
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, limited)); // never engages; wrap-proof by construction
        }
        envelope = env;
    }

    private static double gainFor(double env) {
        return (KNEE + HEADROOM * (1 - Math.exp(-(env - KNEE) / HEADROOM))) / env;
    }

    /** Takes over another stream's envelope, so switching a listener between streams does not jump. */
    void continueFrom(Limiter other) {
        envelope = other.envelope;
    }

    /** 1.0 when passing unchanged; below 1 while limiting. For metrics and tests. */
    double currentGain() {
        return envelope <= KNEE ? 1.0 : gainFor(envelope);
    }
}
