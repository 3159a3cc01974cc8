package dev.mcu.egress;

import java.util.Locale;

/** Where a room's program goes: a file, a live push, or an HLS playlist the server serves. */
public enum EgressKind {
    /** An MP4 or Matroska file under {@code recording.dir}. */
    RECORD,
    /** H.264 + AAC in FLV, pushed to an RTMP server (retried with backoff when it fails). */
    RTMP,
    /** MPEG-TS pushed over SRT in caller mode (retried with backoff when it fails). */
    SRT,
    /** Two-second MPEG-TS segments and a playlist, served at /hls/{room}/index.m3u8. */
    HLS;

    /** Whether a failure is worth retrying: a network peer may come back, a full disk will not. */
    boolean retries() {
        return this == RTMP || this == SRT;
    }

    /**
     * How often this output needs a keyframe, in seconds, 0 for no need beyond the program's own
     * interval: an HLS segment starts at one; RTMP ingest servers want one at least every 4 s.
     */
    int keyframeIntervalSeconds() {
        return switch (this) {
            case HLS -> EgressTarget.HLS_SEGMENT_SECONDS;
            case RTMP, SRT -> 4;
            case RECORD -> 0;
        };
    }

    /** The API's name for the kind ("record", "rtmp", ...). */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the API's name; throws IllegalArgumentException with the accepted names. */
    public static EgressKind fromApiName(String name) {
        if (name != null) {
            for (EgressKind kind : values()) {
                if (kind.apiName().equals(name)) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("\"kind\" must be one of record, rtmp, srt, hls (got "
                + (name == null ? "nothing" : "\"" + name + "\"") + ")");
    }
}
