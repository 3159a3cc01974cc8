package dev.mcu.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingEgressTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "a {0} recording holds H.264 and AAC, both tiles' colours and both tones")
    @ValueSource(strings = {"mp4", "mkv"})
    void aRecordingHoldsTheProgramPictureAndMix(String extension) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Path file = dir.resolve("board." + extension);
        try (Program program = new Program();
             EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                     Events.recording(events), Backoff.DEFAULT, program::nanoTime)) {
            Egress egress = hub.start(EgressTarget.record(dir, file.getFileName().toString()));
            program.feed(hub, 4.0);
            assertTrue(hub.stop(egress.id()));
            assertTrue(egress.awaitStopped(10_000), "the recording finished");
            EgressStats stats = egress.stats();
            assertEquals(Egress.State.STOPPED, stats.state());
            assertEquals(0, stats.droppedQueueFull(), "nothing dropped");
            assertTrue(stats.packetsWritten() > 300, stats.toString());
        }
        assertEquals(List.of("started", "stopped: stopped"), events);

        Probe.Streams streams = Probe.streams(file.toString());
        assertEquals(List.of("h264", "aac"), streams.codecs());
        assertTrue(streams.durationSeconds() > 3.5 && streams.durationSeconds() < 4.5, "duration " + streams.durationSeconds());
        Probe.assertTwoTiles(Probe.frameRgb(file.toString(), 2.0, dir));
        Probe.assertBothTones(Probe.audio(file.toString(), dir));
    }

    @Test
    void aRecordingWhoseDirectoryCannotBeMadeStopsAndSaysWhy() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Files.writeString(dir.resolve("a-file"), "not a directory");
        Path missing = dir.resolve("a-file").resolve("recordings");
        try (Program program = new Program();
             EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                     Events.recording(events), Backoff.DEFAULT, program::nanoTime)) {
            Egress egress = hub.start(EgressTarget.record(missing, "board.mp4"));
            program.feed(hub, 1.0);
            assertTrue(egress.awaitStopped(10_000), "the egress ended by itself");
            assertEquals(Egress.State.FAILED, egress.stats().state());
            assertTrue(egress.stats().lastError().startsWith("cannot create the directory"), egress.stats().lastError());
            assertFalse(hub.active(), "a failed egress is no longer fed");
        }
        assertEquals(1, events.size());
        assertTrue(events.get(0).startsWith("stopped: cannot create the directory"), events.toString());
        assertFalse(Files.exists(missing));
    }
}
