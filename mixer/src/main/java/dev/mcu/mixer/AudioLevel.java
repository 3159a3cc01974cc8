package dev.mcu.mixer;

/**
 * Loudness of a frame as RMS in dBov (0 dBov = a full-scale square wave), the unit of RFC 6464
 * audio-level headers; used to pick the active and the loudest speakers. Stateless, any thread.
 */
public final class AudioLevel {
    /** What silence (and anything quieter) measures: the bottom of RFC 6464's 0..127 range. */
    public static final double SILENCE_DBOV = -127.0;

    private AudioLevel() {
    }

    public static double dbov(short[] samples, int offset, int length) {
        if (length <= 0) {
            return SILENCE_DBOV;
        }
        long sumOfSquares = 0;
        for (int i = offset; i < offset + length; i++) {
            int s = samples[i];
            sumOfSquares += (long) s * s;
        }
        if (sumOfSquares == 0) {
            return SILENCE_DBOV;
        }
        double rms = Math.sqrt((double) sumOfSquares / length);
        return Math.max(SILENCE_DBOV, 20 * Math.log10(rms / 32768.0));
    }

    public static double dbov(short[] samples) {
        return dbov(samples, 0, samples.length);
    }
}
