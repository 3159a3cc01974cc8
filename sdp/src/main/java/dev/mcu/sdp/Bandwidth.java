package dev.mcu.sdp;

/**
 * A {@code b=<bwtype>:<bandwidth>} line (RFC 8866 §5.8): AS in kbit/s, TIAS (RFC 3890) in bit/s.
 */
public record Bandwidth(String type, long value) {
    public static final String AS = "AS";
    public static final String TIAS = "TIAS";

    static Bandwidth parse(int line, String text) throws SdpParseException {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new SdpParseException(line, "b= needs <type>:<value>, got '" + text + "'");
        }
        try {
            return new Bandwidth(text.substring(0, colon), Long.parseLong(text.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new SdpParseException(line, "b= value in '" + text + "' is not a number");
        }
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
