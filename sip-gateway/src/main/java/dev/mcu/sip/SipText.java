package dev.mcu.sip;

/**
 * Makes text that came from the network safe for a log line or a reason phrase: control characters
 * become {@code \xNN} escapes and the length is capped, so a remote cannot forge log lines or fill
 * the log. Stateless; any thread.
 */
final class SipText {
    static final int MAX_LOGGED_CHARS = 200;

    private SipText() {
    }

    static String loggable(Object value) {
        return loggable(value, MAX_LOGGED_CHARS);
    }

    static String loggable(Object value, int maxChars) {
        String text = value == null ? "" : value.toString();
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= maxChars && text.length() > maxChars) {
            out.setLength(maxChars);
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
