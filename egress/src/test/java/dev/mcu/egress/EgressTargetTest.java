package dev.mcu.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EgressTargetTest {
    private static final Path RECORDINGS = Path.of("/var/lib/mcu/recordings");
    private static final Path HLS = Path.of("/var/lib/mcu/hls");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T23:05:09Z"), ZoneOffset.UTC);

    record Bad(String name, EgressKind kind, String url, String room, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badRequests() {
        return Stream.of(
                new Bad("rtmp without url", EgressKind.RTMP, null, "board", "needs \"url\""),
                new Bad("rtmp with an http url", EgressKind.RTMP, "http://example.com/live/x", "board", "rtmp:// or rtmps://"),
                new Bad("rtmp url without host", EgressKind.RTMP, "rtmp:/live/x", "board", "absolute with a host"),
                new Bad("rtmp url that is not a url", EgressKind.RTMP, "rtmp://a b/live", "board", "is not a URL"),
                new Bad("rtmp url of 3,000 characters", EgressKind.RTMP, "rtmp://h/" + "a".repeat(3000), "board", "longer than 2048"),
                new Bad("srt with an rtmp url", EgressKind.SRT, "rtmp://h/live/x", "board", "srt:// URL"),
                new Bad("recording named with a path", EgressKind.RECORD, "../../etc/passwd.mp4", "board", "file name inside recording.dir"),
                new Bad("recording of another format", EgressKind.RECORD, "board.avi", "board", "ending in .mp4 or .mkv"),
                new Bad("hls for a room name that is a path", EgressKind.HLS, null, "../etc", "cannot name a file"));
    }

    @ParameterizedTest(name = "{0} is refused with a reason")
    @MethodSource("badRequests")
    void badRequestsAreRefusedWithAReason(Bad bad) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EgressTarget.of(bad.kind(), bad.url(), bad.room(), RECORDINGS, HLS, CLOCK));
        assertTrue(refused.getMessage().contains(bad.messagePart()), refused.getMessage());
    }

    @Test
    void anUnknownKindNamesTheKnownOnes() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> EgressKind.fromApiName("webm"));
        assertEquals("\"kind\" must be one of record, rtmp, srt, hls (got \"webm\")", refused.getMessage());
    }

    @Test
    void aRecordingWithoutANameIsNamedAfterTheRoomAndTheTimeInRecordingDir() {
        EgressTarget target = EgressTarget.of(EgressKind.RECORD, null, "board", RECORDINGS, HLS, CLOCK);
        assertEquals("/var/lib/mcu/recordings/board-20261204-230509.mp4", target.location());
        assertEquals("mp4", target.format());
        assertEquals("matroska", EgressTarget.of(EgressKind.RECORD, "x.mkv", "board", RECORDINGS, HLS, CLOCK).format());
    }

    @Test
    void hlsGoesToTheRoomsDirectoryUnderTheHlsRoot() {
        EgressTarget target = EgressTarget.of(EgressKind.HLS, null, "board", RECORDINGS, HLS, CLOCK);
        assertEquals("/var/lib/mcu/hls/board/index.m3u8", target.location());
        assertEquals("/var/lib/mcu/hls/board/segment-%05d.ts", target.muxOptions().get("hls_segment_filename"));
    }

    @Test
    void theStreamKeyOfAnRtmpUrlStaysOutOfWhatIsShown() {
        EgressTarget target = EgressTarget.rtmp("rtmp://live.example.com:1935/app/secret-key-123");
        assertEquals("rtmp://live.example.com:1935/app/…", target.displayName());
        assertFalse(target.displayName().contains("secret"));
    }
}
