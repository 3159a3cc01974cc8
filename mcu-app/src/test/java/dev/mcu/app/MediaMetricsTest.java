package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.Dial;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a short call of two phones, /metrics has the media timing histograms (with buckets) and
 * counters an operator graphs: video decode, composite and encode time, the audio round's mix time
 * and lateness, keyframes sent, and decode-queue overflows (one phone floods its video stream).
 */
class MediaMetricsTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aShortCallFillsTheTimingHistogramsAndCounters() throws Exception {
        McuServer server = TestServers.start("http.port=" + TestServers.freeTcpPort());
        toClose.add(server);
        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440),
                new SyntheticParticipant("green", Codec.PCMU, Codec.VP8, 0, ConferenceEndToEndTest.GREEN, 700));
        for (SyntheticParticipant person : people) {
            toClose.add(person);
            toClose.add(Dial.into(server, "metrics", person));
        }
        Await.until(Duration.ofSeconds(20), () -> people.stream().allMatch(p -> p.lastPicture() != null),
                () -> "the phones never got a picture");
        Await.until(Duration.ofSeconds(10), () -> count(TestServers.scrapeMetrics(server), "mcu_video_decode_seconds_count") > 10,
                () -> "no decodes counted");
        // (A machine far busier than the phones may already overflow a queue at the start: count from here.)
        double overflowsBefore = count(TestServers.scrapeMetrics(server), "mcu_decode_queue_overflows_total");

        people.get(1).burstVideo(200);
        Await.until(Duration.ofSeconds(10), () -> count(TestServers.scrapeMetrics(server), "mcu_decode_queue_overflows_total") > overflowsBefore,
                () -> "a flood of 200 large keyframes did not overflow the decode queue:\n" + lines(TestServers.scrapeMetrics(server), "mcu_media_"));

        String metrics = TestServers.scrapeMetrics(server);
        for (String timer : List.of("mcu_video_decode_seconds", "mcu_video_composite_seconds", "mcu_video_encode_seconds",
                "mcu_audio_round_seconds", "mcu_audio_round_lateness_seconds")) {
            assertTrue(count(metrics, timer + "_count") > 10, timer + " has too few samples:\n" + lines(metrics, timer));
            assertTrue(count(metrics, timer + "_sum") > 0, timer + " sums to 0:\n" + lines(metrics, timer));
            assertTrue(metrics.contains(timer + "_bucket{le=\""), timer + " is exported with buckets");
        }
        assertTrue(count(metrics, "mcu_video_keyframes_sent_total") >= 2, "each output profile starts with a keyframe:\n"
                + lines(metrics, "keyframes"));
    }

    /** The value of an unlabelled sample, 0 when absent. */
    private static double count(String metrics, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String lines(String metrics, String name) {
        return metrics.lines().filter(l -> l.contains(name)).limit(40).reduce("", (a, b) -> a + b + "\n");
    }
}
