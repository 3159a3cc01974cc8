package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A lost packet of a tone is made up as the same tone, continuing where it stopped, then fades out. */
class LossConcealmentTest {
    private static final int AMPLITUDE = 8000;

    private static short[] tone(double hz, long start, int samples) {
        short[] out = new short[samples];
        Tones.sine(out, hz, AMPLITUDE, Audio.SAMPLE_RATE, start);
        return out;
    }

    @Test
    void aLostFrameOfAToneIsTheToneContinued() {
        LossConcealment concealment = new LossConcealment();
        concealment.heard(tone(440, 0, 960), 960);
        concealment.heard(tone(440, 960, 960), 960);

        short[] madeUp = new short[960];
        assertTrue(concealment.conceal(madeUp, 0, 960));

        double level = Tones.amplitude(madeUp, 440, Audio.SAMPLE_RATE);
        assertTrue(level > 0.9 * AMPLITUDE, "440 Hz at " + level + " of " + AMPLITUDE);
        // It picks up where the tone stopped: its first samples are what the tone would have been.
        short[] expected = tone(440, 1920, 960);
        for (int i = 0; i < 48; i++) {
            assertTrue(Math.abs(madeUp[i] - expected[i]) < 0.05 * AMPLITUDE,
                    "sample " + i + ": " + madeUp[i] + " where the tone goes on with " + expected[i]);
        }
    }

    @Test
    void aLongerLossFadesOutToSilence() {
        LossConcealment concealment = new LossConcealment();
        concealment.heard(tone(220, 0, 1920), 1920);

        short[] madeUp = new short[5 * 960];
        for (int frame = 0; frame < 5; frame++) { // one 20 ms read after another, as the playout buffer asks
            assertTrue(concealment.conceal(madeUp, frame * 960, 960));
        }
        assertTrue(!concealment.conceal(new short[960], 0, 960), "no more than 100 ms in a row");

        assertTrue(Tones.rms(madeUp, 0, 960) > 0.6 * AMPLITUDE, "full level for the first 20 ms");
        assertTrue(Tones.rms(madeUp, 1920, 480) < 0.8 * Tones.rms(madeUp, 0, 960), "fading after 20 ms");
        assertEquals(0, Tones.rms(madeUp, 2880, 5 * 960 - 2880), 0.0, "silent from 60 ms");
    }

    @Test
    void nothingIsMadeUpBeforeAnythingWasHeardAndRealAudioStartsTheCountAgain() {
        LossConcealment concealment = new LossConcealment();
        assertTrue(!concealment.conceal(new short[960], 0, 960), "no history: nothing to continue");
        concealment.heard(tone(440, 0, 1920), 1920);
        assertTrue(concealment.conceal(new short[LossConcealment.MAX_CONCEALED_SAMPLES], 0, LossConcealment.MAX_CONCEALED_SAMPLES));
        concealment.heard(tone(440, 1920, 960), 960);
        short[] again = new short[960];
        assertTrue(concealment.conceal(again, 0, 960));
        assertTrue(Tones.amplitude(again, 440, Audio.SAMPLE_RATE) > 0.9 * AMPLITUDE, "full level again after real audio");
    }

    @Test
    void findsThePitchOfAVoiceLikeTone() {
        LossConcealment concealment = new LossConcealment();
        concealment.heard(tone(150, 0, 1600), 1600); // period 320 samples
        int period = concealment.pitchPeriod();
        assertEquals(0, period % 320 < 3 || period % 320 > 317 ? 0 : period, "period " + period + " is not a multiple of 320");
    }
}
