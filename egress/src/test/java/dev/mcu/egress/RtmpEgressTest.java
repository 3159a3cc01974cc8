package dev.mcu.egress;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RTMP push to a real RTMP server: nginx with Debian's libnginx-mod-rtmp, which records what it receives. */
class RtmpEgressTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void nginxIsInstalled() {
        assertTrue(NginxRtmp.installed(), "apt-get install nginx-light libnginx-mod-rtmp (.ci/run installs them)");
    }

    @Test
    void anRtmpServerReceivesH264AndAacWithBothTilesAndBothTones() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (NginxRtmp nginx = new NginxRtmp(dir.resolve("nginx"), NginxRtmp.freePort()).start();
             Program program = new Program()) {
            try (EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                    Events.recording(events), Backoff.DEFAULT, program::nanoTime)) {
                Egress egress = hub.start(EgressTarget.rtmp(nginx.url("board-key")));
                program.feed(hub, 4.0);
                hub.stop(egress.id());
                assertTrue(egress.awaitStopped(10_000));
                assertEquals(1, egress.stats().connects());
                assertEquals(0, egress.stats().failures(), String.valueOf(egress.stats().lastError()));
                assertEquals(0, egress.stats().droppedQueueFull());
            }
            String flv = nginx.recording("board-key").toString();
            Probe.Streams streams = Probe.streams(flv);
            assertEquals(List.of("h264", "aac"), streams.codecs());
            assertTrue(streams.durationSeconds() > 3.0 && streams.durationSeconds() < 4.5, "duration " + streams.durationSeconds());
            Probe.assertTwoTiles(Probe.frameRgb(flv, 2.0, dir));
            Probe.assertBothTones(Probe.audio(flv, dir));
        }
        assertEquals(List.of("started", "stopped: stopped"), events);
    }

    @Test
    void aDownServerIsRetriedWithBackoffWithoutHoldingUpTheRoomAndReceivesOnceItIsUp() throws Exception {
        int port = NginxRtmp.freePort();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Program program = new Program();
             EgressHub hub = new EgressHub("board", Program.WIDTH, Program.HEIGHT, program::requestKeyframe,
                     Events.recording(events), new Backoff(100, 400), program::nanoTime)) {
            Egress egress = hub.start(EgressTarget.rtmp("rtmp://127.0.0.1:" + port + "/live/late"));
            program.feed(hub, 2.0); // the room's feed returns although nobody receives
            EgressStats down = egress.stats();
            assertEquals(Egress.State.RECONNECTING, down.state());
            assertEquals(0, down.connects());
            assertTrue(down.failures() >= 2, "retried: " + down);
            assertTrue(down.droppedDisconnected() > 0, "packets while down are dropped and counted: " + down);
            assertTrue(down.lastError().contains("Connection refused"), down.lastError());
            assertEquals(List.of(), events, "not started while the server is down");

            try (NginxRtmp nginx = new NginxRtmp(dir.resolve("nginx"), port).start()) {
                program.feed(hub, 4.0);
                EgressStats up = egress.stats();
                assertEquals(Egress.State.RUNNING, up.state());
                assertEquals(1, up.connects());
                hub.stop(egress.id());
                assertTrue(egress.awaitStopped(10_000));
                Probe.Streams streams = Probe.streams(nginx.recording("late").toString());
                assertEquals(List.of("h264", "aac"), streams.codecs());
                assertTrue(streams.durationSeconds() > 2.0, "duration " + streams.durationSeconds());
            }
        }
        assertEquals(List.of("started", "stopped: stopped"), events);
    }
}
