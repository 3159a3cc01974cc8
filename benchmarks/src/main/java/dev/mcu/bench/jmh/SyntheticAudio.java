package dev.mcu.bench.jmh;

import dev.mcu.media.Audio;

import java.util.Random;

/** 20 ms frames of 48 kHz mono for the audio benchmarks. Stateless, any thread. */
final class SyntheticAudio {
    /** About -20 dBFS: a talker at a normal level; four of them sum below the limiter's knee. */
    static final int SPEECH_AMPLITUDE = 3_000;
    /** About -60 dBFS: a listener's open microphone in a quiet room. */
    static final int ROOM_NOISE_AMPLITUDE = 30;

    private SyntheticAudio() {
    }

    /** A voice-like frame: a fundamental with two harmonics, pitch set by the seed. */
    static short[] speech(int seed) {
        double fundamental = 110 + 23 * (seed % 11);
        short[] frame = new short[Audio.FRAME_SAMPLES];
        for (int i = 0; i < frame.length; i++) {
            double t = (double) i / Audio.SAMPLE_RATE;
            double s = 0.6 * Math.sin(2 * Math.PI * fundamental * t)
                    + 0.3 * Math.sin(2 * Math.PI * 2 * fundamental * t)
                    + 0.1 * Math.sin(2 * Math.PI * 3 * fundamental * t);
            frame[i] = (short) Math.round(SPEECH_AMPLITUDE * s);
        }
        return frame;
    }

    /** Low white noise, different for every seed. */
    static short[] roomNoise(int seed) {
        Random random = new Random(seed);
        short[] frame = new short[Audio.FRAME_SAMPLES];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (short) (random.nextInt(2 * ROOM_NOISE_AMPLITUDE + 1) - ROOM_NOISE_AMPLITUDE);
        }
        return frame;
    }
}
