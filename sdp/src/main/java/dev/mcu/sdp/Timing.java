package dev.mcu.sdp;

import java.util.List;

/**
 * A {@code t=<start-time> <stop-time>} line and the {@code r=} lines after it (RFC 8866 §5.9, §5.10).
 * Times stay strings: they are NTP seconds we only echo.
 */
public record Timing(String start, String stop, List<String> repeats) {
    public static final Timing PERMANENT = new Timing("0", "0", List.of());

    static Timing parse(int line, String value) throws SdpParseException {
        String[] f = value.trim().split(" +");
        if (f.length != 2) {
            throw new SdpParseException(line, "t= needs <start> <stop>, got '" + value + "'");
        }
        return new Timing(f[0], f[1], List.of());
    }

    @Override
    public String toString() {
        return start + " " + stop;
    }
}
