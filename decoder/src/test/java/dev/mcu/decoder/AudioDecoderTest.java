package dev.mcu.decoder;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioDecoderTest {
    /**
     * G.711 bytes holding a constant level, so the 48 kHz output must settle on that level once
     * the resampler's filter has filled: mu-law 0x80 and A-law 0xaa are their codes for full-scale
     * positive, 0xff and 0xd5 their codes for (nearly) zero.
     */
    @ParameterizedTest(name = "{0} byte {1} decodes to {2}")
    @CsvSource({
            "PCMU, 0x80, 32124",
            "PCMU, 0xff, 0",
            "PCMA, 0xaa, 32256",
            "PCMA, 0xd5, 8",
    })
    void aConstantG711PayloadBecomesNineHundredSixtySamplesOfThatLevel(Codec codec, String code, int level) {
        byte[] payload = new byte[160]; // 20 ms at 8 kHz
        Arrays.fill(payload, (byte) Integer.parseInt(code.substring(2), 16));
        try (AudioDecoder decoder = new AudioDecoder(codec)) {
            short[] samples = new short[0];
            for (int i = 0; i < 5; i++) {
                samples = decoder.decode(payload, 0, payload.length);
            }
            assertEquals(Audio.FRAME_SAMPLES, samples.length);
            for (short sample : samples) {
                assertEquals(level, sample, 64);
            }
            assertEquals(0, decoder.errors());
            assertEquals(5, decoder.packets());
        }
    }

    @Test
    void aPayloadInsideALargerBufferIsReadFromItsOffset() {
        byte[] buffer = new byte[12 + 160 + 4]; // an RTP header before, padding after
        Arrays.fill(buffer, (byte) 0x00);       // mu-law 0x00 is full-scale negative
        Arrays.fill(buffer, 12, 12 + 160, (byte) 0x80);
        try (AudioDecoder decoder = new AudioDecoder(Codec.PCMU)) {
            short[] samples = new short[0];
            for (int i = 0; i < 5; i++) {
                samples = decoder.decode(buffer, 12, 160);
            }
            assertEquals(32124, samples[Audio.FRAME_SAMPLES / 2], 64);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA", "G722", "OPUS"})
    void emptyAndOutOfBoundsPayloadsAreCountedNotThrown(Codec codec) {
        try (AudioDecoder decoder = new AudioDecoder(codec)) {
            assertEquals(0, decoder.decode(new byte[10], 0, 0).length);
            assertEquals(0, decoder.decode(new byte[10], 8, 5).length);
            assertEquals(0, decoder.decode(new byte[10], -1, 5).length);
            assertEquals(3, decoder.errors());
        }
    }

    @Test
    void randomOpusPayloadsAreCountedAndNeverThrow() {
        Random random = new Random(7);
        try (AudioDecoder decoder = new AudioDecoder(Codec.OPUS)) {
            for (int i = 0; i < 500; i++) {
                byte[] garbage = new byte[1 + random.nextInt(400)];
                random.nextBytes(garbage);
                short[] samples = decoder.decode(garbage, 0, garbage.length);
                assertTrue(samples.length <= 6 * Audio.FRAME_SAMPLES, "at most 120 ms per packet");
            }
            assertTrue(decoder.errors() > 0, "errors counted");
            assertEquals(500, decoder.packets());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA", "G722"})
    void anyBytesAreValidWaveformCodesAndDecodeToTwentyMilliseconds(Codec codec) {
        Random random = new Random(11);
        try (AudioDecoder decoder = new AudioDecoder(codec)) {
            short[] samples = new short[0];
            for (int i = 0; i < 10; i++) {
                byte[] garbage = new byte[160];
                random.nextBytes(garbage);
                samples = decoder.decode(garbage, 0, garbage.length);
            }
            assertEquals(Audio.FRAME_SAMPLES, samples.length);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8", "TELEPHONE_EVENT"})
    void aCodecWithoutAudioDecoderIsRefused(Codec codec) {
        assertThrows(IllegalArgumentException.class, () -> new AudioDecoder(codec));
    }
}
