package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.analysis.Tones;

/**
 * The short "you are live" cue a promoted attendee hears in its own audio (nobody else does): two
 * beeps at {@link #HZ}, 200 ms and 300 ms with 100 ms between. The room's audio lane only.
 */
final class LiveTone {
    static final double HZ = 1750;
    static final int AMPLITUDE = 8000;
    private static final short[] SAMPLES = samples();
    private int at;

    private static short[] samples() {
        int ms = Audio.SAMPLE_RATE / 1000;
        short[] out = new short[600 * ms];
        short[] beep = new short[300 * ms];
        Tones.sine(beep, HZ, AMPLITUDE, Audio.SAMPLE_RATE, 0);
        System.arraycopy(beep, 0, out, 0, 200 * ms);
        System.arraycopy(beep, 0, out, 300 * ms, 300 * ms);
        return out;
    }

    /**
     * Adds the next 20 ms of the cue to {@code pcm} (48 kHz mono), saturating.
     *
     * @return false once the cue is over
     */
    boolean addInto(short[] pcm) {
        int n = Math.min(pcm.length, SAMPLES.length - at);
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, pcm[i] + SAMPLES[at + i]));
        }
        at += n;
        return at < SAMPLES.length;
    }
}
