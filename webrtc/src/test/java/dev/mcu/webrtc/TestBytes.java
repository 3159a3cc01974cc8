package dev.mcu.webrtc;

import java.util.HexFormat;

/** Hex as RFCs print it (spaces, line breaks, comments after "//" ignored) to bytes. */
final class TestBytes {
    private TestBytes() {
    }

    static byte[] hex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf("//");
            String data = comment >= 0 ? line.substring(0, comment) : line;
            for (char c : data.toCharArray()) {
                if (Character.digit(c, 16) >= 0) {
                    digits.append(c);
                }
            }
        }
        return HexFormat.of().parseHex(digits);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
