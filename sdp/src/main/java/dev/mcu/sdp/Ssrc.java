package dev.mcu.sdp;

import java.util.Optional;

/** {@code a=ssrc:<ssrc-id> <attribute>[:<value>]} (RFC 5576 §4.1), e.g. {@code 2527104241 cname:JPmK}. */
public record Ssrc(long ssrc, String attribute, String value) {

    public static Optional<Ssrc> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String v = text.trim();
        int space = v.indexOf(' ');
        try {
            long id = Long.parseLong(space < 0 ? v : v.substring(0, space));
            if (id < 0 || id > 0xFFFF_FFFFL) {
                return Optional.empty();
            }
            if (space < 0) {
                return Optional.of(new Ssrc(id, "", null));
            }
            String rest = v.substring(space + 1);
            int colon = rest.indexOf(':');
            return Optional.of(colon < 0 ? new Ssrc(id, rest, null)
                    : new Ssrc(id, rest.substring(0, colon), rest.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
