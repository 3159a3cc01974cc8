package dev.mcu.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SRT push (MPEG-TS, caller mode) to Debian's ffmpeg listening with its own libsrt. */
class SrtEgressTest {
    @TempDir
    Path dir;

    @Test
    void theBundledFfmpegHasLibsrt() {
        assertTrue(Muxer.hasProtocol("srt"), "org.bytedeco:ffmpeg 8.0.1-1.5.13 is built with --enable-libsrt");
    }

    @Test
    void anSrtListenerReceivesMpegTsWithH264AndAacAndBothTiles() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path received = dir.resolve("received.ts");
        Process listener = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-i",
                "srt://127.0.0.1:" + port + "?mode=listener", "-c", "copy", "-f", "mpegts", received.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        try (Program program = new Program();
             EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                     EgressListener.NONE, new Backoff(200, 400), program::nanoTime)) {
            Egress egress = hub.start(EgressTarget.srt("srt://127.0.0.1:" + port + "?mode=caller"));
            program.feed(hub, 5.0);
            hub.stop(egress.id());
            assertTrue(egress.awaitStopped(10_000));
            assertTrue(egress.stats().connects() >= 1, egress.stats().toString());
        } finally {
            if (!listener.waitFor(10, TimeUnit.SECONDS)) {
                listener.destroy();
                listener.waitFor(5, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.size(received) > 0, Files.readString(dir.resolve("ffmpeg.log")));
        Probe.Streams streams = Probe.streams(received.toString());
        assertEquals(List.of("h264", "aac"), streams.codecs());
        Probe.assertTwoTiles(Probe.frameRgb(received.toString(), 1.5, dir));
    }
}
