package dev.mcu.mixer;

import dev.mcu.media.Audio;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioMixerTest {
    private static final int RATE = Audio.SAMPLE_RATE;
    private static final int N = Audio.FRAME_SAMPLES;
    /** 10 frames = 200 ms, so Goertzel separates tones 260 Hz apart by far more than 30 dB. */
    private static final int ROUNDS = 10;

    private static final double CEILING_WITH_GAIN_CACHING = Limiter.CEILING * 1.001;

    private final AudioMixer mixer = new AudioMixer();

    @Test
    void everyoneHearsTheOtherTwoTonesButNotTheirOwn() {
        String[] ids = {"a", "b", "c"};
        double[] hz = {440, 700, 1100};
        short[][] heard = new short[ids.length][ROUNDS * N];
        short[] full = new short[ROUNDS * N];
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, short[]> inputs = new HashMap<>();
            for (int p = 0; p < ids.length; p++) {
                inputs.put(ids[p], tone(hz[p], 8000, round));
            }
            MixResult result = mixer.mix(inputs);
            for (int p = 0; p < ids.length; p++) {
                System.arraycopy(result.mixFor(ids[p]), 0, heard[p], round * N, N);
            }
            System.arraycopy(result.fullMix(), 0, full, round * N, N);
        }
        for (int listener = 0; listener < ids.length; listener++) {
            for (int speaker = 0; speaker < ids.length; speaker++) {
                double amplitude = Tones.amplitude(heard[listener], hz[speaker], RATE);
                if (listener == speaker) {
                    assertTrue(amplitude < 8000 * dbToRatio(-30),
                            ids[listener] + " hears its own " + hz[speaker] + " Hz at " + amplitude);
                } else {
                    assertEquals(8000, amplitude, 400, ids[listener] + " hears " + hz[speaker] + " Hz");
                }
            }
        }
        for (double f : hz) {
            assertEquals(8000, Tones.amplitude(full, f, RATE), 400, "full mix at " + f + " Hz");
        }
    }

    @Test
    void aListenerWhoSendsNothingHearsTheFullMix() {
        Map<String, short[]> inputs = new HashMap<>();
        inputs.put("a", tone(440, 8000, 0));
        inputs.put("listener", null);
        MixResult result = mixer.mix(inputs);
        assertSame(result.fullMix(), result.mixFor("listener"));
        assertSame(result.fullMix(), result.mixFor("never-seen"));
        assertFalse(result.contributed("listener"));
        assertTrue(result.contributed("a"));
    }

    @Test
    void quietVoicesAreMixedBitExact() {
        short[] a = tone(440, 5000, 0);
        short[] b = tone(700, 6000, 0);
        short[] expected = new short[N];
        for (int i = 0; i < N; i++) {
            expected[i] = (short) (a[i] + b[i]);
        }
        MixResult result = mixer.mix(Map.of("a", a, "b", b, "c", new short[N]));
        assertArrayEquals(expected, result.fullMix());
        assertArrayEquals(expected, result.mixFor("c"));
        assertArrayEquals(b, result.mixFor("a"));
    }

    @Test
    void tenFullScalePositiveVoicesNeverWrapAround() {
        Map<String, short[]> inputs = new HashMap<>();
        for (int p = 0; p < 10; p++) {
            short[] rectified = tone(300 + 100 * p, 32767, 0);
            for (int i = 0; i < N; i++) {
                rectified[i] = (short) Math.abs(rectified[i]);
            }
            inputs.put("p" + p, rectified);
        }
        for (int round = 0; round < 3; round++) {
            MixResult result = mixer.mix(inputs);
            assertNoSampleBelowZero(result.fullMix(), "full mix");
            for (int p = 0; p < 10; p++) {
                assertNoSampleBelowZero(result.mixFor("p" + p), "mix for p" + p);
            }
            assertTrue(peak(result.fullMix()) > 30_000, "the limited mix stays loud");
            assertTrue(peak(result.fullMix()) <= CEILING_WITH_GAIN_CACHING);
        }
    }

    @Test
    void tenFullScaleTonesAreLimitedButEachStaysMeasurable() {
        double[] hz = {300, 420, 560, 700, 860, 1020, 1180, 1340, 1500, 1660};
        int rounds = 2 * ROUNDS;
        short[] full = new short[rounds * N];
        short[] heardByFirst = new short[rounds * N];
        for (int round = 0; round < rounds; round++) {
            Map<String, short[]> inputs = new HashMap<>();
            for (int p = 0; p < hz.length; p++) {
                inputs.put("p" + p, tone(hz[p], 32767, round));
            }
            MixResult result = mixer.mix(inputs);
            System.arraycopy(result.fullMix(), 0, full, round * N, N);
            System.arraycopy(result.mixFor("p0"), 0, heardByFirst, round * N, N);
        }
        assertTrue(peak(full) <= CEILING_WITH_GAIN_CACHING, "peak " + peak(full));
        int settled = ROUNDS * N; // measure the second half, once the envelope has settled
        double[] amplitudes = new double[hz.length];
        for (int p = 0; p < hz.length; p++) {
            amplitudes[p] = Tones.amplitude(full, settled, full.length - settled, hz[p], RATE);
            assertTrue(amplitudes[p] > 1000, hz[p] + " Hz measures " + amplitudes[p]);
        }
        double loudest = java.util.Arrays.stream(amplitudes).max().orElseThrow();
        double quietest = java.util.Arrays.stream(amplitudes).min().orElseThrow();
        assertTrue(loudest / quietest < 2, "tones stay balanced: " + quietest + " .. " + loudest);
        double own = Tones.amplitude(heardByFirst, settled, heardByFirst.length - settled, hz[0], RATE);
        double other = Tones.amplitude(heardByFirst, settled, heardByFirst.length - settled, hz[1], RATE);
        assertTrue(own < other * dbToRatio(-30), "p0 hears itself at " + own + " vs others at " + other);
    }

    @Test
    void silenceInGivesSilenceOut() {
        Map<String, short[]> inputs = new HashMap<>();
        inputs.put("a", new short[N]);
        inputs.put("b", new short[N]);
        inputs.put("c", null);
        MixResult result = mixer.mix(inputs);
        short[] silence = new short[N];
        assertArrayEquals(silence, result.fullMix());
        assertArrayEquals(silence, result.mixFor("a"));
        assertArrayEquals(silence, result.mixFor("b"));
        assertArrayEquals(silence, result.mixFor("c"));
        assertEquals(AudioLevel.SILENCE_DBOV, result.levelDbov("a"));
    }

    @Test
    void levelsAreReportedInDbovForTheLastFrame() {
        MixResult result = mixer.mix(Map.of("loud", tone(440, 32767, 0), "quiet", tone(440, 8000, 0)));
        assertEquals(-3.0, result.levelDbov("loud"), 0.1);
        assertEquals(-15.2, result.levelDbov("quiet"), 0.1);
        assertEquals(AudioLevel.SILENCE_DBOV, result.levelDbov("absent"));

        result = mixer.mix(Map.of("quiet", tone(440, 8000, 1)));
        assertEquals(AudioLevel.SILENCE_DBOV, result.levelDbov("loud"), "a level is of this round only");
    }

    @Test
    void aFrameOfTheWrongLengthIsIgnoredAndCounted() {
        MixResult result = mixer.mix(Map.of("a", tone(440, 8000, 0), "broken", new short[100]));
        assertEquals(1, mixer.rejectedFrames());
        assertFalse(result.contributed("broken"));
        assertEquals(8000, Tones.amplitude(result.mixFor("broken"), 440, RATE), 800);
    }

    @Test
    void theOutputsAreReusedFromRoundToRound() {
        MixResult first = mixer.mix(Map.of("a", tone(440, 8000, 0), "b", tone(700, 8000, 0)));
        short[] forA = first.mixFor("a");
        MixResult second = mixer.mix(Map.of("a", tone(440, 8000, 1), "b", tone(700, 8000, 1)));
        assertSame(first, second);
        assertSame(forA, second.mixFor("a"));
    }

    private static short[] tone(double hz, int amplitude, int round) {
        short[] frame = new short[N];
        Tones.sine(frame, hz, amplitude, RATE, (long) round * N);
        return frame;
    }

    private static double dbToRatio(double db) {
        return Math.pow(10, db / 20);
    }

    private static int peak(short[] samples) {
        int peak = 0;
        for (short s : samples) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }

    private static void assertNoSampleBelowZero(short[] samples, String what) {
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] < 0) {
                throw new AssertionError(what + " wrapped around to " + samples[i] + " at sample " + i);
            }
        }
    }
}
