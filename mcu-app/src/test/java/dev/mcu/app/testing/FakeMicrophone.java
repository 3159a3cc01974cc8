package dev.mcu.app.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a WAV file for Chromium's {@code --use-file-for-fake-audio-capture}: a steady sine tone
 * (16-bit mono, 48 kHz), which Chromium loops, so a test knows the tone to listen for.
 */
public final class FakeMicrophone {
    private static final int SAMPLE_RATE = 48_000;

    private FakeMicrophone() {
    }

    /** A whole number of periods per second keeps the loop seamless for tones of whole hertz. */
    public static Path writeTone(Path file, double hz, int amplitude, int seconds) throws IOException {
        int samples = SAMPLE_RATE * seconds;
        ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes());
        wav.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(2 * SAMPLE_RATE).putShort((short) 2).putShort((short) 16);
        wav.put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / SAMPLE_RATE)));
        }
        Files.write(file, wav.array());
        return file;
    }
}
