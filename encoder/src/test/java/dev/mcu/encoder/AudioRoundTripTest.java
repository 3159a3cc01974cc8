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
