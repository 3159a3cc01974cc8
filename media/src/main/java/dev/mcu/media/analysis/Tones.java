package dev.mcu.media.analysis;

/**
 * Measures and makes pure tones in 16-bit PCM. Used by tests to check what a participant hears
 * (which tones are present in a mix, and that its own is absent) and by synthetic participants.
 */
public final class Tones {
    private Tones() {
    }

    /**
     * The amplitude of {@code frequency} in the samples (Goertzel), in the same units as the
     * samples: a full-scale sine of amplitude A measures about A.
     */
    public static double amplitude(short[] samples, int offset, int length, double frequency, int sampleRate) {
        double omega = 2 * Math.PI * frequency / sampleRate;
        double coeff = 2 * Math.cos(omega);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < length; i++) {
            double s0 = samples[offset + i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return 2 * Math.sqrt(Math.max(power, 0)) / length;
    }

    public static double amplitude(short[] samples, double frequency, int sampleRate) {
        return amplitude(samples, 0, samples.length, frequency, sampleRate);
    }

    /** Root mean square of the samples. */
    public static double rms(short[] samples, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            double s = samples[offset + i];
            sum += s * s;
        }
        return length == 0 ? 0 : Math.sqrt(sum / length);
    }

    /**
     * Fills {@code out} with a sine continuing from sample index {@code start}, so consecutive
     * calls with start += out.length produce one continuous tone.
     */
    public static void sine(short[] out, double frequency, int amplitude, int sampleRate, long start) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * (start + i) / sampleRate));
        }
    }
}
