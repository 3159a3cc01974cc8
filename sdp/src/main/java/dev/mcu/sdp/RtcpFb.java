package dev.mcu.sdp;

import java.util.Optional;

/**
 * {@code a=rtcp-fb:<pt or *> <type> [<subtype>]} (RFC 4585 §4.2), e.g. {@code nack pli}, {@code ccm fir}.
 *
 * @param payloadType the format, or -1 for the wildcard {@code *}
 * @param subtype     empty when absent
 */
public record RtcpFb(int payloadType, String type, String subtype) {

    public static Optional<RtcpFb> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] f = value.trim().split(" +");
        if (f.length < 2) {
            return Optional.empty();
        }
        try {
            int pt = "*".equals(f[0]) ? -1 : Integer.parseInt(f[0]);
            return Optional.of(new RtcpFb(pt, f[1], f.length > 2 ? f[2] : ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean appliesTo(int pt) {
        return payloadType == -1 || payloadType == pt;
    }

    /** "nack", "nack pli", "ccm fir": what the feedback is, without the payload type. */
    public String kind() {
        return subtype.isEmpty() ? type : type + " " + subtype;
    }

    public String value() {
        return (payloadType < 0 ? "*" : String.valueOf(payloadType)) + " " + kind();
    }
}
