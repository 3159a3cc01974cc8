package dev.mcu.media.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TonesTest {
    @Test
    void aToneMeasuresItsOwnAmplitudeAndNothingAtAnotherFrequency() {
        short[] pcm = new short[4800];
        Tones.sine(pcm, 440, 8000, 48000, 0);
        assertEquals(8000, Tones.amplitude(pcm, 440, 48000), 200);
        assertTrue(Tones.amplitude(pcm, 1000, 48000) < 100);
    }

    @Test
    void consecutiveSineCallsFormOneContinuousTone() {
        short[] a = new short[960];
        short[] b = new short[960];
        short[] whole = new short[1920];
        Tones.sine(a, 700, 10000, 48000, 0);
        Tones.sine(b, 700, 10000, 48000, 960);
        Tones.sine(whole, 700, 10000, 48000, 0);
        assertEquals(whole[960], b[0]);
        assertEquals(whole[959], a[959]);
    }
}
