package dev.mcu.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * {@code a=fmtp:<format> <parameters>} (RFC 8866 §6.15). Parameters written as {@code key=value}
 * pairs separated by ';' are split into a map with lower-case keys, in order; anything else (such
 * as telephone-event's {@code 0-15}) is kept whole in {@link #raw()}.
 */
public record Fmtp(int payloadType, String raw, Map<String, String> parameters) {

    public static Optional<Fmtp> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        int space = v.indexOf(' ');
        String params = space < 0 ? "" : v.substring(space + 1).trim();
        int pt;
        try {
            pt = Integer.parseInt(space < 0 ? v : v.substring(0, space));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String part : params.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                map.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        return Optional.of(new Fmtp(pt, params, Collections.unmodifiableMap(map)));
    }

    public static Fmtp of(int payloadType, Map<String, String> parameters) {
        StringJoiner joined = new StringJoiner(";");
        parameters.forEach((k, v) -> joined.add(k + "=" + v));
        return new Fmtp(payloadType, joined.toString(), Collections.unmodifiableMap(new LinkedHashMap<>(parameters)));
    }

    public String value() {
        return payloadType + " " + raw;
    }
}
