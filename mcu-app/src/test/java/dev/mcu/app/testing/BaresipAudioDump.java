package dev.mcu.app.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the 16-bit PCM WAV file baresip's sndfile module is still writing: its header's sizes are
 * only filled in when the call ends (never, when baresip is killed), so this takes the format from
 * the {@code fmt } chunk and the samples from everything after the {@code data} chunk header.
 * Stateless; any thread.
 */
public final class BaresipAudioDump {
    private BaresipAudioDump() {
    }

    /** What was read: the last samples as mono (the left channel) at the file's sample rate. */
    public record Tail(short[] samples, int sampleRate, long totalFrames) {
    }

    /** The last {@code seconds} of the file (fewer when it is shorter). */
    public static Tail lastSeconds(Path wav, double seconds) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        if (file.remaining() < 12 || !tag(file, 0).equals("RIFF") || !tag(file, 8).equals("WAVE")) {
            throw new IOException(wav + " is not a WAV file");
        }
        int channels = 0;
        int sampleRate = 0;
        int bitsPerSample = 0;
        int position = 12;
        while (position + 8 <= file.limit()) {
            String id = tag(file, position);
            int size = file.getInt(position + 4);
            int body = position + 8;
            if (id.equals("fmt ")) {
                channels = file.getShort(body + 2);
                sampleRate = file.getInt(body + 4);
                bitsPerSample = file.getShort(body + 14);
            } else if (id.equals("data")) {
                if (bitsPerSample != 16 || channels < 1) {
                    throw new IOException(wav + " is not 16-bit PCM: " + bitsPerSample + " bits, " + channels + " channels");
                }
                int frameBytes = 2 * channels;
                long totalFrames = (file.limit() - body) / frameBytes;
                int wanted = (int) Math.min(totalFrames, Math.round(seconds * sampleRate));
                short[] mono = new short[wanted];
                long first = totalFrames - wanted;
                for (int i = 0; i < wanted; i++) {
                    mono[i] = file.getShort((int) (body + (first + i) * frameBytes));
                }
                return new Tail(mono, sampleRate, totalFrames);
            }
            position = body + size + (size & 1);
        }
        return new Tail(new short[0], Math.max(sampleRate, 1), 0);
    }

    /** Copies the dump, writing the RIFF and data sizes baresip never wrote, so any player opens it. */
    public static void copyWithSizesFixed(Path wav, Path copy) throws IOException {
        byte[] bytes = Files.readAllBytes(wav);
        ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int position = 12;
        while (file.limit() >= 12 && position + 8 <= file.limit()) {
            int size = file.getInt(position + 4);
            if (tag(file, position).equals("data")) {
                int dataBytes = file.limit() - position - 8;
                file.putInt(position + 4, dataBytes);
                file.putInt(4, file.limit() - 8);
                break;
            }
            position += 8 + size + (size & 1);
        }
        Files.write(copy, bytes);
    }

    private static String tag(ByteBuffer file, int at) {
        byte[] four = new byte[4];
        file.get(at, four);
        return new String(four, StandardCharsets.US_ASCII);
    }
}
