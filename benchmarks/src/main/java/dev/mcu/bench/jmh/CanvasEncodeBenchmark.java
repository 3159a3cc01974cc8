package dev.mcu.bench.jmh;

import dev.mcu.bench.load.MediaLibrary;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
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

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * video4's output encode on the load benchmark's own content: four participants' 640x360 loops
 * ({@link MediaLibrary#picture}, out of phase as real cameras are) tiled into the 1280x720 canvas and
 * encoded as a room's {@code VideoProfile} does (OpenH264, 1,500 kbit/s, 30 fps, one thread, an IDR
 * every 10 s). Where the encode runs:
 * <ul>
 *   <li>{@code encodeHere}: on the benchmark thread, as the ffmpeg CLI's one encoder thread does;</li>
 *   <li>{@code encodeOnOneWorker}: handed to one worker thread and waited for (the hand-off alone);</li>
 *   <li>{@code encodeOnTwoWorkersInTurn}: handed to two worker threads in turn, as a two-thread
 *       {@code ThreadPoolExecutor} with one room does (its idle workers wait in line, so the one idle
 *       longest, the other one, takes the next frame: the encoder's state was last touched on the other core);</li>
 *   <li>{@code encodeOnFixedPoolOfTwo}: submitted to a two-thread {@code Executors.newFixedThreadPool}, the
 *       kind of pool {@code dev.mcu.app.Threads} makes for the encodes;</li>
 *   <li>{@code encodeOnForkJoinPoolOfTwo}: submitted to a two-thread {@code ForkJoinPool}, which wakes the
 *       worker that went idle last, so one room's frames stay on one thread while it keeps up.</li>
 * </ul>
 * {@code ·cpu.time/op} (CpuTimeProfiler) counts every thread; the pools' variants print at tear-down how
 * often a frame ran on another thread than the frame before. Each benchmark has its own encoder,
 * made in set-up and closed in tear-down; the workers are this benchmark's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class CanvasEncodeBenchmark {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int TILE_WIDTH = 640;
    private static final int TILE_HEIGHT = 360;
    private static final int FPS = 30;
    private static final int[] PHASES = {0, 17, 31, 46};

    private I420Frame[] canvases;
    private VideoEncoder here;
    private VideoEncoder oneWorker;
    private VideoEncoder twoWorkers;
    private ExecutorService worker;
    private ExecutorService[] inTurn;
    private ForkJoinPool forkJoin;
    private ExecutorService fixedPool;
    private VideoEncoder fixedPoolEncoder;
    private final ThreadHops fixedPoolHops = new ThreadHops();
    private final ThreadHops forkJoinHops = new ThreadHops();
    private VideoEncoder forkJoinEncoder;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() {
        int loop = MediaLibrary.VIDEO_LOOP_FRAMES;
        canvases = new I420Frame[loop];
        for (int f = 0; f < loop; f++) {
            canvases[f] = canvas(f);
        }
        here = VideoEncoder.create(config());
        oneWorker = VideoEncoder.create(config());
        twoWorkers = VideoEncoder.create(config());
        worker = Executors.newSingleThreadExecutor();
        inTurn = new ExecutorService[] {Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor()};
        forkJoin = new ForkJoinPool(2);
        fixedPool = Executors.newFixedThreadPool(2);
        fixedPoolEncoder = VideoEncoder.create(config());
        forkJoinEncoder = VideoEncoder.create(config());
    }

    private static VideoEncoderConfig config() {
        return VideoEncoderConfig.of(Codec.H264, WIDTH, HEIGHT).withFps(FPS).withBitrateKbps(1_500)
                .withKeyframeIntervalFrames(10 * FPS);
    }

    private static I420Frame canvas(int f) {
        byte[] data = new byte[I420Frame.sizeOf(WIDTH, HEIGHT)];
        for (int p = 0; p < PHASES.length; p++) {
            I420Frame tile = MediaLibrary.picture(p, (f + PHASES[p]) % MediaLibrary.VIDEO_LOOP_FRAMES);
            int x = (p % 2) * TILE_WIDTH;
            int y = (p / 2) * TILE_HEIGHT;
            place(tile.data(), tile.offsetY(), TILE_WIDTH, TILE_HEIGHT, data, 0, WIDTH, x, y);
            int cw = I420Frame.chromaWidth(WIDTH);
            int ch = I420Frame.chromaHeight(HEIGHT);
            place(tile.data(), tile.offsetU(), TILE_WIDTH / 2, TILE_HEIGHT / 2, data, WIDTH * HEIGHT, cw, x / 2, y / 2);
            place(tile.data(), tile.offsetV(), TILE_WIDTH / 2, TILE_HEIGHT / 2, data, WIDTH * HEIGHT + cw * ch, cw,
                    x / 2, y / 2);
        }
        return new I420Frame(WIDTH, HEIGHT, data, f * 1_000_000L / FPS);
    }

    private static void place(byte[] src, int srcOffset, int w, int h, byte[] dst, int dstOffset, int dstStride,
                              int x, int y) {
        for (int row = 0; row < h; row++) {
            System.arraycopy(src, srcOffset + row * w, dst, dstOffset + (y + row) * dstStride + x, w);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        worker.shutdownNow();
        inTurn[0].shutdownNow();
        inTurn[1].shutdownNow();
        forkJoin.shutdownNow();
        fixedPool.shutdownNow();
        fixedPoolEncoder.close();
        fixedPoolHops.print("encodeOnFixedPoolOfTwo");
        forkJoinHops.print("encodeOnForkJoinPoolOfTwo");
        forkJoinEncoder.close();
        here.close();
        oneWorker.close();
        twoWorkers.close();
    }

    @Benchmark
    public EncodedFrame encodeHere() {
        int n = frame++;
        return here.encode(canvases[n % canvases.length], n * 3000L);
    }

    @Benchmark
    public EncodedFrame encodeOnOneWorker() throws InterruptedException, ExecutionException {
        int n = frame++;
        Future<EncodedFrame> done = worker.submit(() -> oneWorker.encode(canvases[n % canvases.length], n * 3000L));
        return done.get();
    }

    @Benchmark
    public EncodedFrame encodeOnTwoWorkersInTurn() throws InterruptedException, ExecutionException {
        int n = frame++;
        Future<EncodedFrame> done = inTurn[n & 1].submit(() -> twoWorkers.encode(canvases[n % canvases.length], n * 3000L));
        return done.get();
    }

    @Benchmark
    public EncodedFrame encodeOnForkJoinPoolOfTwo() throws InterruptedException, ExecutionException {
        int n = frame++;
        Future<EncodedFrame> done = forkJoin.submit(() -> {
            forkJoinHops.ranOn(Thread.currentThread());
            return forkJoinEncoder.encode(canvases[n % canvases.length], n * 3000L);
        });
        return done.get();
    }

    @Benchmark
    public EncodedFrame encodeOnFixedPoolOfTwo() throws InterruptedException, ExecutionException {
        int n = frame++;
        Future<EncodedFrame> done = fixedPool.submit(() -> {
            fixedPoolHops.ranOn(Thread.currentThread());
            return fixedPoolEncoder.encode(canvases[n % canvases.length], n * 3000L);
        });
        return done.get();
    }

    /** Counts frames that ran on another thread than the frame before (written by one task at a time). */
    private static final class ThreadHops {
        private volatile Thread last;
        private volatile long frames;
        private volatile long hops;

        void ranOn(Thread thread) {
            if (last != null && last != thread) {
                hops++;
            }
            last = thread;
            frames++;
        }

        void print(String name) {
            if (frames > 0) {
                System.out.println(name + ": " + hops + " of " + frames + " frames on another thread than the frame before");
            }
        }
    }
}
