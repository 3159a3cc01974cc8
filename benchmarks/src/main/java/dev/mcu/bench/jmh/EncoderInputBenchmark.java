package dev.mcu.bench.jmh;

import dev.mcu.media.I420Frame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

/**
 * The 720p canvas copied into the encoder's native input frame (what {@code VideoEncoder} does before
 * every encode), two ways: a row at a time (1,440 JNI calls a frame, as before session 12) and one
 * copy per plane (the rows are contiguous: FFmpeg's line size for a 1280 or 640 wide plane is the
 * width). The frame is allocated as the encoder allocates it ({@code av_frame_get_buffer}, default
 * alignment). Single-threaded; the frame is owned by the state and freed in tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class EncoderInputBenchmark {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;

    private AVFrame input;
    private I420Frame canvas;

    @Setup(Level.Trial)
    public void setUp() {
        canvas = SyntheticPictures.picture(WIDTH, HEIGHT, 7);
        input = av_frame_alloc();
        input.width(WIDTH).height(HEIGHT).format(AV_PIX_FMT_YUV420P);
        if (av_frame_get_buffer(input, 0) < 0) {
            throw new IllegalStateException("av_frame_get_buffer failed");
        }
        if (input.linesize(0) != WIDTH || input.linesize(1) != WIDTH / 2 || input.data(0).address() % 64 != 0) {
            throw new IllegalStateException("unexpected layout: line sizes " + input.linesize(0) + "/"
                    + input.linesize(1) + ", luma at " + input.data(0).address());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        av_frame_free(input);
    }

    @Benchmark
    public AVFrame copyRowByRow() {
        copy(false);
        return input;
    }

    @Benchmark
    public AVFrame copyPlaneAtOnce() {
        copy(true);
        return input;
    }

    private void copy(boolean wholePlanes) {
        int chromaWidth = I420Frame.chromaWidth(WIDTH);
        int chromaHeight = I420Frame.chromaHeight(HEIGHT);
        byte[] src = canvas.data();
        plane(src, canvas.offsetY(), WIDTH, HEIGHT, input.data(0), input.linesize(0), wholePlanes);
        plane(src, canvas.offsetU(), chromaWidth, chromaHeight, input.data(1), input.linesize(1), wholePlanes);
        plane(src, canvas.offsetV(), chromaWidth, chromaHeight, input.data(2), input.linesize(2), wholePlanes);
    }

    private static void plane(byte[] src, int offset, int width, int height, BytePointer plane, int linesize,
                              boolean whole) {
        if (whole) {
            plane.position(0).put(src, offset, width * height);
            return;
        }
        for (int row = 0; row < height; row++) {
            plane.position((long) row * linesize).put(src, offset + row * width, width);
        }
    }
}
