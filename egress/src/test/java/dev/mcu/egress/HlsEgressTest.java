package dev.mcu.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HlsEgressTest {
    @TempDir
    Path dir;

    @Test
    void anHlsPlaylistOfTwoSecondSegmentsIsReadBackByFfmpegWithBothTilesAndBothTones() throws Exception {
        Path hlsRoot = dir.resolve("hls");
        try (Program program = new Program();
             EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                     EgressListener.NONE, Backoff.DEFAULT, program::nanoTime)) {
            // The program's own keyframes are 10 s apart: the hub must ask for one every segment.
            Egress egress = hub.start(EgressTarget.of(EgressKind.HLS, null, "board", dir, hlsRoot, java.time.Clock.systemUTC()));
            program.feed(hub, 7.0);
            hub.stop(egress.id());
            assertTrue(egress.awaitStopped(10_000));
            assertEquals(0, egress.stats().droppedQueueFull());
        }
        Path playlist = hlsRoot.resolve("board").resolve("index.m3u8");
        String text = Files.readString(playlist);
        List<String> segments = text.lines().filter(line -> line.endsWith(".ts")).toList();
        assertTrue(segments.size() >= 3, "7 s make at least three 2 s segments:\n" + text);
        for (String segment : segments) {
            assertTrue(Files.size(playlist.resolveSibling(segment)) > 0, segment);
        }
        List<Double> durations = text.lines().filter(line -> line.startsWith("#EXTINF:"))
                .map(line -> Double.parseDouble(line.substring(8, line.indexOf(',')))).toList();
        assertTrue(durations.stream().allMatch(d -> d < 3.0), "segments are cut about every 2 s: " + durations);
        assertTrue(text.contains("#EXT-X-ENDLIST"), "a stopped stream ends its playlist");

        Probe.Streams streams = Probe.streams(playlist.toString());
        assertEquals(List.of("h264", "aac"), streams.codecs());
        Probe.assertTwoTiles(Probe.frameRgb(playlist.toString(), 3.0, dir));
        Probe.assertBothTones(Probe.audio(playlist.toString(), dir));
    }
}
