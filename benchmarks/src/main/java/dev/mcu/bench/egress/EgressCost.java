package dev.mcu.bench.egress;

import dev.mcu.egress.Backoff;
import dev.mcu.egress.Egress;
import dev.mcu.egress.EgressHub;
import dev.mcu.egress.EgressListener;
import dev.mcu.egress.EgressStats;
import dev.mcu.egress.EgressTarget;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What each egress kind costs the server in CPU, measured on the real thing: a 1280x720 @ 30 fps
 * program at 1.5 Mbit/s (pre-encoded, as the room's encode is reused and not egress's cost) and the
 * mix, fed in real time to one hub running every kind at once; each egress's own thread CPU, and
 * the AAC encode on the feeding thread, over the measured seconds. Receivers are real and run as
 * their own processes (nginx-rtmp, ffmpeg's SRT listener), so their CPU is not counted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.mcu.bench.egress.EgressCost [seconds]}
 */
public final class EgressCost {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int FPS = 30;

    private EgressCost() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = Files.createTempDirectory("egress-cost");
        List<EncodedFrame> program = preEncode(FPS * 4);
        int rtmpPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            rtmpPort = s.getLocalPort();
        }
        int srtPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            srtPort = s.getLocalPort();
        }
        List<Process> receivers = new ArrayList<>();
        receivers.add(startNginx(dir.resolve("nginx"), rtmpPort));
        receivers.add(new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-i", "srt://127.0.0.1:" + srtPort + "?mode=listener",
                "-c", "copy", "-f", "mpegts", dir.resolve("srt.ts").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("srt.log").toFile()).start());
        Thread.sleep(1000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long audioCpu = 0;
        long audioCalls = 0;
        List<EgressStats> result;
        try (EgressHub hub = new EgressHub("bench", WIDTH, HEIGHT, () -> { }, EgressListener.NONE, Backoff.DEFAULT,
                System::nanoTime)) {
            List<Egress> egresses = List.of(
                    hub.start(EgressTarget.record(dir, "bench.mp4")),
                    hub.start(EgressTarget.record(dir, "bench.mkv")),
                    hub.start(EgressTarget.hls(dir.resolve("hls"))),
                    hub.start(EgressTarget.rtmp("rtmp://127.0.0.1:" + rtmpPort + "/live/bench")),
                    hub.start(EgressTarget.srt("srt://127.0.0.1:" + srtPort + "?mode=caller")));
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            long start = System.nanoTime();
            long audioFrames = 0;
            long videoFrames = 0;
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                long now = System.nanoTime() - start;
                if (audioFrames * 20_000_000L <= now) {
                    Tones.sine(pcm, 440, 6000, Audio.SAMPLE_RATE, audioFrames * pcm.length);
                    long before = threads.getCurrentThreadCpuTime();
                    hub.onAudio(pcm);
                    audioCpu += threads.getCurrentThreadCpuTime() - before;
                    audioCalls++;
                    audioFrames++;
                } else if (videoFrames * 1_000_000_000L / FPS <= now) {
                    EncodedFrame frame = program.get((int) (videoFrames % program.size()));
                    hub.onVideo(new EncodedFrame(Codec.H264, frame.data(), videoFrames * 3000, videoFrames % program.size() == 0));
                    videoFrames++;
                } else {
                    Thread.sleep(1);
                }
            }
            result = new ArrayList<>();
            for (Egress egress : egresses) {
                result.add(egress.stats());
            }
        } finally {
            for (Process p : receivers) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        System.out.printf("Egress CPU over %d s of a %dx%d@%d program at ~1.5 Mbit/s + AAC 64 kbit/s (one core = 100 %%)%n",
                seconds, WIDTH, HEIGHT, FPS);
        System.out.printf("  %-10s %8s %10s %10s %9s %8s%n", "kind", "CPU %", "packets", "kbit/s", "dropped", "connects");
        for (EgressStats s : result) {
            System.out.printf("  %-10s %8.2f %10d %10d %9d %8d%n", s.kind().apiName() + (s.destination().endsWith(".mkv") ? "/mkv" : ""),
                    100.0 * s.cpuMillis() / (seconds * 1000.0), s.packetsWritten(), s.bytesWritten() * 8 / 1000 / seconds,
                    s.droppedQueueFull(), s.connects());
        }
        System.out.printf("  AAC encode of the mix, once per room: %.2f %% (%.3f ms per 20 ms)%n",
                100.0 * audioCpu / (seconds * 1e9), audioCpu / 1e6 / Math.max(1, audioCalls));
    }

    /** Four seconds of moving mosaic, encoded once at 1.5 Mbit/s with a keyframe at its start. */
    private static List<EncodedFrame> preEncode(int frames) {
        List<EncodedFrame> out = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.H264, WIDTH, HEIGHT).withFps(FPS)
                .withBitrateKbps(1500).withKeyframeIntervalFrames(frames))) {
            Random random = new Random(1);
            byte[] data = new byte[I420Frame.sizeOf(WIDTH, HEIGHT)];
            java.util.Arrays.fill(data, (byte) 128);
            for (int i = 0; i < frames; i++) {
                for (int j = 0; j < 150; j++) { // 150 flat 16x16 blocks change per frame, like moving tiles
                    int at = random.nextInt(WIDTH * HEIGHT - 16 * WIDTH - 16);
                    byte value = (byte) random.nextInt(256);
                    for (int row = 0; row < 16; row++) {
                        java.util.Arrays.fill(data, at + row * WIDTH, at + row * WIDTH + 16, value);
                    }
                }
                EncodedFrame frame = encoder.encode(new I420Frame(WIDTH, HEIGHT, data.clone(), 0), i * 3000L);
                if (frame != null) {
                    out.add(frame);
                }
            }
        }
        return out;
    }

    private static Process startNginx(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        String conf = (System.getProperty("user.name").equals("root") ? "user root;\n" : "") + """
                load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log;
                events { worker_connections 64; }
                rtmp { server { listen 127.0.0.1:%d; application live { live on; } } }
                """.formatted(dir, dir, port);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        return new ProcessBuilder("/usr/sbin/nginx", "-e", dir.resolve("error.log").toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-p", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    }
}
