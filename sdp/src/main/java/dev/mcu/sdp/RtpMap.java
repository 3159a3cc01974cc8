package dev.mcu.sdp;

import java.util.Optional;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]} (RFC 8866 §6.6).
 *
 * @param channels the encoding parameters (audio channels), 0 when absent
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {

    /** Parses an attribute value such as {@code 111 opus/48000/2}; empty when it is not an rtpmap. */
    public static Optional<RtpMap> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        int space = v.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        String[] enc = v.substring(space + 1).trim().split("/");
        if (enc.length < 2 || enc[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            int pt = Integer.parseInt(v.substring(0, space));
            int rate = Integer.parseInt(enc[1].trim());
            int channels = enc.length > 2 ? Integer.parseInt(enc[2].trim()) : 0;
            return Optional.of(new RtpMap(pt, enc[0], rate, channels));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String value() {
        return payloadType + " " + encodingName + "/" + clockRate + (channels > 0 ? "/" + channels : "");
    }
}
