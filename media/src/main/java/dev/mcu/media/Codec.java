package dev.mcu.media;

import java.util.Locale;
import java.util.Optional;

/**
 * The RTP payload formats the MCU understands. {@code rtpClockRate} is what SDP's a=rtpmap states
 * and what the RTP timestamp counts in (G.722 famously says 8000 while sampling at 16 kHz).
 */
public enum Codec {
    PCMU(MediaKind.AUDIO, "PCMU", 8000, 8000, 1, 0),
    PCMA(MediaKind.AUDIO, "PCMA", 8000, 8000, 1, 8),
    G722(MediaKind.AUDIO, "G722", 8000, 16000, 1, 9),
    OPUS(MediaKind.AUDIO, "opus", 48000, 48000, 2, -1),
    TELEPHONE_EVENT(MediaKind.AUDIO, "telephone-event", 8000, 8000, 1, -1),
    H264(MediaKind.VIDEO, "H264", 90000, 90000, 0, -1),
    VP8(MediaKind.VIDEO, "VP8", 90000, 90000, 0, -1);

    private final MediaKind kind;
    private final String encodingName;
    private final int rtpClockRate;
    private final int sampleRate;
    private final int channels;
    private final int staticPayloadType;

    Codec(MediaKind kind, String encodingName, int rtpClockRate, int sampleRate, int channels, int staticPayloadType) {
        this.kind = kind;
        this.encodingName = encodingName;
        this.rtpClockRate = rtpClockRate;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.staticPayloadType = staticPayloadType;
    }

    public MediaKind kind() { return kind; }
    /** The encoding name as SDP's a=rtpmap spells it. */
    public String encodingName() { return encodingName; }
    public int rtpClockRate() { return rtpClockRate; }
    /** The codec's real audio sample rate (0 for video). */
    public int sampleRate() { return sampleRate; }
    /** Channels as written in a=rtpmap, 0 when the rtpmap carries none. */
    public int channels() { return channels; }
    /** The RFC 3551 static payload type, or -1 when the codec is always dynamic. */
    public int staticPayloadType() { return staticPayloadType; }

    /** RTP timestamp ticks in one 20 ms audio packet. */
    public int ticksPer20ms() {
        return rtpClockRate / 50;
    }

    /** Looks a codec up by its SDP encoding name, ignoring case. */
    public static Optional<Codec> byEncodingName(String name, MediaKind kind) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Codec c : values()) {
            if (c.kind == kind && c.encodingName.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public static Optional<Codec> byStaticPayloadType(int pt) {
        for (Codec c : values()) {
            if (c.staticPayloadType == pt) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
