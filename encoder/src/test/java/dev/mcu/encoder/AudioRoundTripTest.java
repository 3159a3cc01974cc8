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
