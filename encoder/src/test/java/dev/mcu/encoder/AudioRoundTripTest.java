package dev.mcu.encoder;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioRoundTripTest {
    private static final int AMPLITUDE = 8000;
    private static final int FRAMES = 30;
    private static final int WARM_UP_FRAMES = 10;

    @ParameterizedTest(name = "{0} carries {1} Hz and nothing at {2} Hz")
    @CsvSource({
            "PCMU, 1000, 440", "PCMU, 440, 1000",
            "PCMA, 1000, 440", "PCMA, 440, 1000",
            "G722, 1000, 440", "G722, 440, 1000",
            "OPUS, 1000, 440", "OPUS, 440, 1000",
    })
    void aToneKeepsItsAmplitudeThroughEncodeAndDecode(Codec codec, int tone, int absent) {
        short[] decoded = roundTrip(codec, tone);
        // 100 ms after the warm-up: a whole number of periods of both tones at 48 kHz.
        int window = 4800;
        int start = WARM_UP_FRAMES * Audio.FRAME_SAMPLES;
        assertTrue(decoded.length >= start + window, "decoded only " + decoded.length + " samples");
        double present = Tones.amplitude(decoded, start, window, tone, Audio.SAMPLE_RATE);
        double missing = Tones.amplitude(decoded, start, window, absent, Audio.SAMPLE_RATE);
        assertEquals(AMPLITUDE, present, AMPLITUDE * 0.2, "amplitude of " + tone + " Hz");
        assertTrue(missing < AMPLITUDE * 0.03, "amplitude at " + absent + " Hz: " + missing);
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA", "G722", "OPUS"})
    void everyPayloadIsTwentyMillisecondsAndDecodesToNineHundredSixtySamples(Codec codec) {
        int expectedBytes = switch (codec) {
            case PCMU, PCMA, G722 -> 160;
            default -> -1;
        };
        try (AudioEncoder encoder = AudioEncoder.create(codec); AudioDecoder decoder = new AudioDecoder(codec)) {
            assertEquals(codec == Codec.OPUS ? 960 : 160, encoder.rtpTicksPerFrame());
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            for (int i = 0; i < FRAMES; i++) {
                Tones.sine(pcm, 440, AMPLITUDE, Audio.SAMPLE_RATE, (long) i * pcm.length);
                byte[] payload = encoder.encode(pcm);
                if (expectedBytes > 0) {
                    assertEquals(expectedBytes, payload.length, "payload " + i);
                } else {
                    assertTrue(payload.length > 0 && payload.length < 200, "opus payload " + payload.length);
                }
                short[] samples = decoder.decode(payload, 0, payload.length);
                if (i >= 2) {
                    assertEquals(Audio.FRAME_SAMPLES, samples.length, "samples from payload " + i);
                }
            }
            assertEquals(0, decoder.errors());
        }
    }

    @Test
    void aFrameThatIsNotTwentyMillisecondsOrACodecThatIsNotAudioIsRefused() {
        try (AudioEncoder encoder = AudioEncoder.create(Codec.PCMU)) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new short[480]));
        }
        assertThrows(IllegalArgumentException.class, () -> AudioEncoder.create(Codec.VP8));
        assertThrows(IllegalArgumentException.class, () -> AudioEncoder.create(Codec.TELEPHONE_EVENT));
    }

    @Test
    void aMixMinusEncodedAtLowerOpusComplexityStillCarriesItsToneAlone() {
        short[] decoded = roundTrip(Codec.OPUS, 700, AudioEncoder.OPUS_COMPLEXITY_ONE_LISTENER);
        int window = 4800;
        int start = WARM_UP_FRAMES * Audio.FRAME_SAMPLES;
        assertEquals(AMPLITUDE, Tones.amplitude(decoded, start, window, 700, Audio.SAMPLE_RATE), AMPLITUDE * 0.2);
        assertTrue(Tones.amplitude(decoded, start, window, 1300, Audio.SAMPLE_RATE) < AMPLITUDE * 0.03);
    }

    @Test
    void aMixMinusForOneListenerIsCeltAndCarriesEveryToneOfItsMixAlone() {
        // A mix-minus of three voices' tones: CELT (TOC configs 16-31, RFC 6716 §3.1), each tone at its amplitude.
        int[] tones = {397, 494, 591};
        short[] decoded = new short[0];
        int celt = 0;
        try (AudioEncoder encoder = AudioEncoder.forOneListener(Codec.OPUS, false);
             AudioDecoder decoder = new AudioDecoder(Codec.OPUS)) {
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            short[] tone = new short[Audio.FRAME_SAMPLES];
            for (int i = 0; i < FRAMES; i++) {
                Arrays.fill(pcm, (short) 0);
                for (int hz : tones) {
                    Tones.sine(tone, hz, AMPLITUDE / 3, Audio.SAMPLE_RATE, (long) i * pcm.length);
                    for (int s = 0; s < pcm.length; s++) {
                        pcm[s] += tone[s];
                    }
                }
                byte[] payload = encoder.encode(pcm);
                celt += (payload[0] & 0xff) >> 3 >= 16 ? 1 : 0;
                short[] samples = decoder.decode(payload, 0, payload.length);
                int at = decoded.length;
                decoded = Arrays.copyOf(decoded, at + samples.length);
                System.arraycopy(samples, 0, decoded, at, samples.length);
            }
            assertEquals(0, decoder.errors());
        }
        assertEquals(FRAMES, celt, "CELT packets of " + FRAMES);
        int window = 4800;
        int start = WARM_UP_FRAMES * Audio.FRAME_SAMPLES;
        for (int hz : tones) {
            assertEquals(AMPLITUDE / 3.0, Tones.amplitude(decoded, start, window, hz, Audio.SAMPLE_RATE), AMPLITUDE / 3.0 * 0.2,
                    "amplitude of " + hz + " Hz");
        }
        assertTrue(Tones.amplitude(decoded, start, window, 1000, Audio.SAMPLE_RATE) < AMPLITUDE * 0.03);
    }

    /**
     * Three summed voices (harmonic, gliding pitch, syllable envelopes) through a mix-minus encoder
     * without FEC at its complexity ({@link AudioEncoder#OPUS_COMPLEXITY_ONE_LISTENER_CELT}) and at 3,
     * the one it had before: the segmental SNR of the decoded mix is within half a dB, and the payloads
     * do differ (the complexity reaches libopus).
     */
    @Test
    void aMixMinusWithoutFecSoundsAsGoodAtItsLowerComplexityAsAtThree() {
        int frames = 150;
        short[] mix = threeVoices(frames);
        double atItsComplexity;
        double atThree;
        int differing = 0;
        try (AudioEncoder light = AudioEncoder.forOneListener(Codec.OPUS, false);
             AudioEncoder three = AudioEncoder.forOneListener(Codec.OPUS, false, 3)) {
            byte[][] lightPayloads = encodeAll(light, mix, frames);
            byte[][] threePayloads = encodeAll(three, mix, frames);
            for (int i = 0; i < frames; i++) {
                differing += Arrays.equals(lightPayloads[i], threePayloads[i]) ? 0 : 1;
            }
            atItsComplexity = segmentalSnr(mix, decodeAll(lightPayloads));
            atThree = segmentalSnr(mix, decodeAll(threePayloads));
        }
        assertTrue(differing > frames / 2, "payloads that differ: " + differing + " of " + frames);
        assertTrue(atThree > 8, "segmental SNR at 3: " + atThree);
        assertTrue(atItsComplexity > atThree - 0.5, "segmental SNR " + atItsComplexity + " dB against " + atThree + " at 3");
    }

    private static short[] threeVoices(int frames) {
        short[] mix = new short[frames * Audio.FRAME_SAMPLES];
        for (int voice = 0; voice < 3; voice++) {
            double phase = 0;
            for (int s = 0; s < mix.length; s++) {
                double t = (double) s / Audio.SAMPLE_RATE;
                double f0 = (120 + 70 * voice) * (1 + 0.08 * Math.sin(2 * Math.PI * (0.7 + 0.3 * voice) * t));
                phase += 2 * Math.PI * f0 / Audio.SAMPLE_RATE;
                double syllables = Math.max(0, Math.sin(2 * Math.PI * (3 + voice) * t + voice));
                double sample = 0;
                for (int h = 1; h <= 12; h++) {
                    sample += Math.sin(h * phase) / h;
                }
                mix[s] += (short) (1500 * syllables * sample);
            }
        }
        return mix;
    }

    private static byte[][] encodeAll(AudioEncoder encoder, short[] pcm, int frames) {
        byte[][] payloads = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            payloads[i] = encoder.encode(Arrays.copyOfRange(pcm, i * Audio.FRAME_SAMPLES, (i + 1) * Audio.FRAME_SAMPLES));
        }
        return payloads;
    }

    private static short[] decodeAll(byte[][] payloads) {
        short[] out = new short[0];
        try (AudioDecoder decoder = new AudioDecoder(Codec.OPUS)) {
            for (byte[] payload : payloads) {
                short[] samples = decoder.decode(payload, 0, payload.length);
                int at = out.length;
                out = Arrays.copyOf(out, at + samples.length);
                System.arraycopy(samples, 0, out, at, samples.length);
            }
            assertEquals(0, decoder.errors());
        }
        return out;
    }

    /**
     * Mean SNR of the 20 ms frames that carry sound (after the first 200 ms), each clipped to -10..35 dB,
     * at the codec delay (searched up to 20 ms) that fits best.
     */
    private static double segmentalSnr(short[] source, short[] decoded) {
        int from = WARM_UP_FRAMES * Audio.FRAME_SAMPLES;
        double best = Double.NEGATIVE_INFINITY;
        for (int lag = 0; lag <= Audio.FRAME_SAMPLES; lag += 8) {
            double sum = 0;
            int counted = 0;
            for (int f = from; f + Audio.FRAME_SAMPLES + lag <= Math.min(source.length, decoded.length); f += Audio.FRAME_SAMPLES) {
                double signal = 0;
                double noise = 0;
                for (int s = f; s < f + Audio.FRAME_SAMPLES; s++) {
                    double error = source[s] - decoded[s + lag];
                    signal += (double) source[s] * source[s];
                    noise += error * error;
                }
                if (signal > Audio.FRAME_SAMPLES * 100.0 * 100.0) {
                    sum += Math.max(-10, Math.min(35, 10 * Math.log10(signal / Math.max(noise, 1))));
                    counted++;
                }
            }
            best = Math.max(best, counted == 0 ? best : sum / counted);
        }
        return best;
    }

    @Test
    void theOpusComplexityReachesTheEncoder() {
        // Same input, other complexity: other bytes (the setting is not silently dropped on the way to libopus).
        try (AudioEncoder full = AudioEncoder.create(Codec.OPUS);
             AudioEncoder light = AudioEncoder.create(Codec.OPUS, AudioEncoder.OPUS_COMPLEXITY_ONE_LISTENER)) {
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            int differing = 0;
            for (int i = 0; i < FRAMES; i++) {
                Tones.sine(pcm, 440, AMPLITUDE, Audio.SAMPLE_RATE, (long) i * pcm.length);
                differing += Arrays.equals(full.encode(pcm), light.encode(pcm)) ? 0 : 1;
            }
            assertTrue(differing > FRAMES / 2, "payloads that differ: " + differing + " of " + FRAMES);
        }
        assertThrows(IllegalArgumentException.class, () -> AudioEncoder.create(Codec.OPUS, 11));
        assertThrows(IllegalArgumentException.class, () -> AudioEncoder.create(Codec.OPUS, -1));
    }

    static short[] roundTrip(Codec codec, int tone) {
        return roundTrip(codec, tone, AudioEncoder.OPUS_COMPLEXITY_SHARED);
    }

    static short[] roundTrip(Codec codec, int tone, int opusComplexity) {
        short[] decoded = new short[0];
        try (AudioEncoder encoder = AudioEncoder.create(codec, opusComplexity); AudioDecoder decoder = new AudioDecoder(codec)) {
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            for (int i = 0; i < FRAMES; i++) {
                Tones.sine(pcm, tone, AMPLITUDE, Audio.SAMPLE_RATE, (long) i * pcm.length);
                byte[] payload = encoder.encode(pcm);
                short[] samples = decoder.decode(payload, 0, payload.length);
                int at = decoded.length;
                decoded = Arrays.copyOf(decoded, at + samples.length);
                System.arraycopy(samples, 0, decoded, at, samples.length);
            }
            assertEquals(0, decoder.errors());
        }
        return decoded;
    }
}
