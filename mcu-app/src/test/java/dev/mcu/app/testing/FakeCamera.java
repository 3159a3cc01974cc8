package dev.mcu.app.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a Y4M clip for Chromium's {@code --use-file-for-fake-video-capture}: a solid colour with a
 * white bar sweeping across it, so a test knows the colour to look for and can see the picture move.
 */
public final class FakeCamera {
    private FakeCamera() {
    }

    /** @param yuv the background colour as {Y, U, V} */
    public static Path writeClip(Path file, int width, int height, int frames, int[] yuv) throws IOException {
        int lumaSize = width * height;
        int chromaSize = (width / 2) * (height / 2);
        byte[] frame = new byte[lumaSize + 2 * chromaSize];
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("YUV4MPEG2 W" + width + " H" + height + " F25:1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            int barWidth = width / 10;
            for (int i = 0; i < frames; i++) {
                Arrays.fill(frame, 0, lumaSize, (byte) yuv[0]);
                Arrays.fill(frame, lumaSize, lumaSize + chromaSize, (byte) yuv[1]);
                Arrays.fill(frame, lumaSize + chromaSize, frame.length, (byte) yuv[2]);
                int barX = (i * (width - barWidth) / Math.max(1, frames - 1)) & ~1;
                for (int y = 0; y < height; y++) {
                    Arrays.fill(frame, y * width + barX, y * width + barX + barWidth, (byte) 235);
                }
                for (int y = 0; y < height / 2; y++) {
                    Arrays.fill(frame, lumaSize + y * (width / 2) + barX / 2, lumaSize + y * (width / 2) + (barX + barWidth) / 2, (byte) 128);
                    Arrays.fill(frame, lumaSize + chromaSize + y * (width / 2) + barX / 2,
                            lumaSize + chromaSize + y * (width / 2) + (barX + barWidth) / 2, (byte) 128);
                }
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(frame);
            }
        }
        return file;
    }
}
