package dev.mcu.media;

/**
 * The one internal audio format: 48 kHz, mono, signed 16-bit PCM, in 20 ms frames of 960 samples.
 * Decoders resample into it; the mixer works only in it; encoders resample out of it.
 */
public final class Audio {
    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAME_MILLIS = 20;
    public static final int FRAME_SAMPLES = SAMPLE_RATE * FRAME_MILLIS / 1000;

    private Audio() {
    }
}
