package dev.mcu.encoder;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.OpusPackets;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-band FEC only for a receiver that uses it (RFC 7587 useinbandfec), read from the packets themselves. */
class AudioEncoderFecTest {
    private static final int FRAMES = 50;

    /** How many of a second of voice-band tone's packets carry LBRR (FEC) data. */
    private static int packetsWithFec(AudioEncoder encoder) {
        short[] pcm = new short[Audio.FRAME_SAMPLES];
        int withFec = 0;
        for (int i = 0; i < FRAMES; i++) {
            Tones.sine(pcm, 300, 6000, Audio.SAMPLE_RATE, (long) i * pcm.length);
            byte[] payload = encoder.encode(pcm);
            if (OpusPackets.hasLbrr(payload, 0, payload.length)) {
                withFec++;
            }
        }
        return withFec;
    }

    @Test
    void aReceiverThatAskedForFecGetsIt() {
        for (int complexity : new int[] {AudioEncoder.OPUS_COMPLEXITY_SHARED, AudioEncoder.OPUS_COMPLEXITY_ONE_LISTENER}) {
            try (AudioEncoder encoder = AudioEncoder.create(Codec.OPUS, complexity, true)) {
                assertTrue(encoder.inbandFec());
                int withFec = packetsWithFec(encoder);
                // libopus sends LBRR for frames its voice detector calls speech: a steady tone stops
                // looking like speech after about half a second (23 of 50 here), so not every packet has it.
                assertTrue(withFec >= FRAMES / 4, "complexity " + complexity + ": " + withFec + " of " + FRAMES
                        + " packets carry FEC");
            }
        }
    }

    @Test
    void aSpeakerThatAskedForFecGetsItInItsOwnMixMinusToo() {
        // the one-listener encoder is tuned for audio (CELT), but FEC is SILK's: asked for, it is there
        try (AudioEncoder encoder = AudioEncoder.forOneListener(Codec.OPUS, true)) {
            assertTrue(encoder.inbandFec());
            int withFec = packetsWithFec(encoder);
            assertTrue(withFec >= FRAMES / 4, withFec + " of " + FRAMES + " packets carry FEC");
        }
        try (AudioEncoder encoder = AudioEncoder.forOneListener(Codec.OPUS, false)) {
            assertEquals(0, packetsWithFec(encoder));
        }
    }

    @Test
    void aReceiverThatDidNotAskGetsNone() {
        for (int complexity : new int[] {AudioEncoder.OPUS_COMPLEXITY_SHARED, AudioEncoder.OPUS_COMPLEXITY_ONE_LISTENER}) {
            try (AudioEncoder encoder = AudioEncoder.create(Codec.OPUS, complexity, false)) {
                assertFalse(encoder.inbandFec());
                assertEquals(0, packetsWithFec(encoder), "complexity " + complexity);
            }
        }
    }

    @Test
    void codecsWithoutFecSayNone() {
        try (AudioEncoder encoder = AudioEncoder.create(Codec.PCMU, 10, true)) {
            assertFalse(encoder.inbandFec());
        }
    }
}
