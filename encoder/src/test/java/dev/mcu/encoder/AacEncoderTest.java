package dev.mcu.encoder;

import dev.mcu.media.Audio;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AacEncoderTest {

    @Test
    void oneSecondOfToneBecomesAboutFortySevenAacFramesWithConsecutiveTimestamps() {
        List<AacEncoder.AacFrame> frames = new ArrayList<>();
        try (AacEncoder encoder = AacEncoder.create(64_000)) {
            // ISO 14496-3 AudioSpecificConfig: object type 2 (LC), frequency index 3 (48 kHz), 1 channel
            // (FFmpeg appends a backward-compatible "no SBR" extension after these two bytes).
            byte[] config = encoder.audioSpecificConfig();
            assertArrayEquals(new byte[]{0x11, (byte) 0x88}, java.util.Arrays.copyOf(config, 2));
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            for (int i = 0; i < 50; i++) {
                Tones.sine(pcm, 440, 8000, Audio.SAMPLE_RATE, (long) i * pcm.length);
                frames.addAll(encoder.encode(pcm));
            }
        }
        // 48,000 samples make 46 full frames of 1,024; the encoder holds one or two back as delay.
        assertTrue(frames.size() >= 44 && frames.size() <= 46, frames.size() + " frames");
        for (int i = 1; i < frames.size(); i++) {
            assertEquals(frames.get(i - 1).pts() + 1024, frames.get(i).pts(), "pts of frame " + i);
            assertTrue(frames.get(i).data().length > 10, "frame " + i + " carries the tone");
        }
    }
}
