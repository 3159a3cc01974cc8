package dev.mcu.egress;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One destination, checked and resolved: the FFmpeg muxer to use, where it writes, and its options.
 * Built by {@link #of} from what an API caller sent; a mistake there is an IllegalArgumentException
 * whose message is meant for that caller. Immutable.
 *
 * @param location    a URL (rtmp://, srt://) or a file path (recording, HLS playlist)
 * @param displayName what logs and the API show: the URL without its query (stream keys stay out of logs)
 * @param ioOptions   options for avio_open2 (the network protocol)
 * @param muxOptions  options for avformat_write_header (the muxer)
 */
public record EgressTarget(EgressKind kind, String format, String location, String displayName,
                           Map<String, String> ioOptions, Map<String, String> muxOptions) {
    /** Seconds per HLS segment; the hub asks the program for a keyframe this often while HLS runs. */
    public static final int HLS_SEGMENT_SECONDS = 2;
    private static final int MAX_URL_LENGTH = 2048;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** A network write or connect that takes longer than this fails, so a stalled server is retried. */
    private static final String NETWORK_TIMEOUT_MICROS = "5000000";

    public EgressTarget {
        ioOptions = Map.copyOf(ioOptions);
        muxOptions = Map.copyOf(muxOptions);
    }

    /**
     * Resolves an API request: {@code url} is the RTMP or SRT URL; for a recording an optional
     * file name ending in .mp4 or .mkv (default: room and UTC time, .mp4); unused for HLS.
     */
    public static EgressTarget of(EgressKind kind, String url, String room, Path recordingDir, Path hlsRoot, Clock clock) {
        return switch (kind) {
            case RTMP -> rtmp(url);
            case SRT -> srt(url);
            case RECORD -> record(recordingDir, fileName(url, room, clock));
            case HLS -> hls(hlsRoot.resolve(safeRoomName(room)));
        };
    }

    public static EgressTarget rtmp(String url) {
        URI uri = networkUrl(url, "rtmp", "rtmp://live.example.com/app/stream-key");
        if (!uri.getScheme().equals("rtmp") && !uri.getScheme().equals("rtmps")) {
            throw new IllegalArgumentException("an rtmp egress needs an rtmp:// or rtmps:// URL, got " + uri.getScheme() + "://");
        }
        return new EgressTarget(EgressKind.RTMP, "flv", url, withoutQueryOrKey(uri),
                Map.of("rw_timeout", NETWORK_TIMEOUT_MICROS),
                Map.of("flvflags", "no_duration_filesize")); // live: nothing to seek back and patch
    }

    public static EgressTarget srt(String url) {
        URI uri = networkUrl(url, "srt", "srt://ingest.example.com:9000?streamid=room");
        if (!uri.getScheme().equals("srt")) {
            throw new IllegalArgumentException("an srt egress needs an srt:// URL, got " + uri.getScheme() + "://");
        }
        if (!Muxer.hasProtocol("srt")) {
            throw new IllegalArgumentException("this server's FFmpeg was built without libsrt: SRT egress is unavailable");
        }
        return new EgressTarget(EgressKind.SRT, "mpegts", url, uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort(),
                Map.of("rw_timeout", NETWORK_TIMEOUT_MICROS), Map.of());
    }

    /** A recording file; the format follows the extension (.mp4 or .mkv). */
    public static EgressTarget record(Path directory, String fileName) {
        String format = fileName.endsWith(".mkv") ? "matroska" : "mp4";
        Path file = directory.resolve(fileName);
        return new EgressTarget(EgressKind.RECORD, format, file.toString(), file.toString(), Map.of(), Map.of());
    }

    /** index.m3u8 and its segments in {@code directory}, which is created if missing. */
    public static EgressTarget hls(Path directory) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("hls_time", Integer.toString(HLS_SEGMENT_SECONDS));
        options.put("hls_list_size", "6");
        options.put("hls_flags", "delete_segments+independent_segments");
        options.put("hls_segment_filename", directory.resolve("segment-%05d.ts").toString());
        Path playlist = directory.resolve("index.m3u8");
        return new EgressTarget(EgressKind.HLS, "hls", playlist.toString(), playlist.toString(), Map.of(), options);
    }

    /** A room name that is safe as one directory name (HLS) or file-name prefix. */
    static String safeRoomName(String room) {
        if (room == null || !SAFE_NAME.matcher(room).matches()) {
            throw new IllegalArgumentException("room name '" + room + "' cannot name a file: use letters, digits, '.', '_' or '-'");
        }
        return room;
    }

    private static String fileName(String requested, String room, Clock clock) {
        if (requested == null || requested.isBlank()) {
            return safeRoomName(room) + "-" + FILE_TIME.format(clock.instant()) + ".mp4";
        }
        if (!SAFE_NAME.matcher(requested).matches() || !(requested.endsWith(".mp4") || requested.endsWith(".mkv"))) {
            throw new IllegalArgumentException("a recording's \"url\" is a file name inside recording.dir ending in .mp4"
                    + " or .mkv (letters, digits, '.', '_', '-'), got '" + requested + "'");
        }
        return requested;
    }

    private static URI networkUrl(String url, String kind, String example) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("an " + kind + " egress needs \"url\", e.g. " + example);
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("\"url\" is longer than " + MAX_URL_LENGTH + " characters");
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("\"url\" must be absolute with a host, e.g. " + example);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"url\" is not a URL (" + e.getReason() + "), e.g. " + example);
        }
    }

    /** RTMP stream keys are secrets: logs and the API show only scheme, host, port and application. */
    private static String withoutQueryOrKey(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        int lastSlash = path.lastIndexOf('/');
        String app = lastSlash > 0 ? path.substring(0, lastSlash) : path;
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + app + "/…";
    }
}
