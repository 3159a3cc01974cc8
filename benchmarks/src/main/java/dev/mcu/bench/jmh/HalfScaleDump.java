package dev.mcu.bench.jmh;

import dev.mcu.media.I420Frame;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what the Java candidates of {@link HalfScaleBenchmark} make of a raw I420 file, so their
 * quality can be measured against ffmpeg's {@code scale=W/2:H/2:flags=bilinear} with ffmpeg's
 * {@code ssim} filter:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.mcu.bench.jmh.HalfScaleDump IN.yuv 640 360 halving.yuv tent.yuv</pre>
 *
 * Main thread only.
 */
public final class HalfScaleDump {
    private HalfScaleDump() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: HalfScaleDump IN.yuv WIDTH HEIGHT HALVING_OUT.yuv TENT_OUT.yuv");
            System.exit(2);
        }
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        int size = I420Frame.sizeOf(width, height);
        int frames = 0;
        try (InputStream in = Files.newInputStream(Path.of(args[0]));
             OutputStream halving = Files.newOutputStream(Path.of(args[3]));
             OutputStream tent = Files.newOutputStream(Path.of(args[4]))) {
            byte[] picture;
            while ((picture = in.readNBytes(size)).length == size) {
                I420Frame frame = new I420Frame(width, height, picture, 0);
                halving.write(BilinearHalving.halve(frame).data());
                ByteBuffer data = ByteBuffer.wrap(picture);
                tent.write(TentHalving.halve(width, height, data.slice(frame.offsetY(), frame.offsetU()), frame.strideY(),
                        data.slice(frame.offsetU(), frame.offsetV() - frame.offsetU()), frame.strideU(),
                        data.slice(frame.offsetV(), size - frame.offsetV()), frame.strideV(), 0).data());
                frames++;
            }
        }
        System.out.println(frames + " pictures");
    }
}
