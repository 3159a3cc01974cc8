package dev.mcu.sip;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The checks JAIN-SIP's lenient parser skips, made on a request's raw bytes before the stack reads
 * it (RFC 3261 §7, §18.3, §25; the torture cases of RFC 4475 §3.1.2 and §3.3). Each problem found
 * becomes the answer a UAS gives: 505 for another SIP version, 513 for an oversized header section,
 * 400 with the reason for the rest. Stateless; called on JAIN-SIP's receiving threads.
 */
final class SipMessageCheck {
    /** The largest header section we read; real phones send well under 4 kB. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

    /** A refusal: the status and a reason phrase made only of our own words and safe characters. */
    record Verdict(int status, String reason) {
        static Verdict badRequest(String why) {
            return new Verdict(400, "Bad Request (" + why + ")");
        }
    }

    /** Headers RFC 3261 §7.3 allows once per message, by compact and full lower-case name. */
    private static final Map<String, String> SINGLE_VALUED = Map.ofEntries(
            Map.entry("content-length", "Content-Length"), Map.entry("l", "Content-Length"),
            Map.entry("content-type", "Content-Type"), Map.entry("c", "Content-Type"),
            Map.entry("from", "From"), Map.entry("f", "From"),
            Map.entry("to", "To"), Map.entry("t", "To"),
            Map.entry("call-id", "Call-ID"), Map.entry("i", "Call-ID"),
            Map.entry("cseq", "CSeq"), Map.entry("max-forwards", "Max-Forwards"));

    private SipMessageCheck() {
    }

    static boolean isResponse(byte[] message) {
        return message.length >= 4 && message[0] == 'S' && message[1] == 'I' && message[2] == 'P' && message[3] == '/';
    }

    /** What is wrong with this request, or null when these checks find nothing (the stack's parser has its say next). */
    static Verdict check(byte[] message) {
        // Over UDP the whole datagram comes here; over TCP the stack hands over the header lines alone.
        int headEnd = indexOf(message, "\r\n\r\n");
        int headLength = headEnd < 0 ? message.length : headEnd;
        if (headLength > MAX_HEADER_BYTES) {
            return new Verdict(513, "Message Too Large (headers over " + MAX_HEADER_BYTES + " bytes)");
        }
        String head = new String(message, 0, headLength, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        Verdict line = checkRequestLine(lines[0]);
        if (line != null) {
            return line;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String header = lines[i];
            if (header.isEmpty() || header.charAt(0) == ' ' || header.charAt(0) == '\t') {
                continue; // a continuation of the line before (LWS folding)
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                return Verdict.badRequest("header line " + (i + 1) + " has no colon");
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String single = SINGLE_VALUED.get(name);
            if (single != null && seen.merge(single, 1, Integer::sum) > 1) {
                return Verdict.badRequest("more than one " + single + " header");
            }
            if (single != null && single.equals("Content-Length")) {
                String value = header.substring(colon + 1).strip();
                if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
                    return Verdict.badRequest("Content-Length is not a number of bytes");
                }
            }
        }
        return null;
    }

    /** Request-Line = Method SP Request-URI SP SIP-Version: single spaces, no brackets, no URI headers. */
    private static Verdict checkRequestLine(String line) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            return Verdict.badRequest("the request line must be method, URI and version separated by single spaces");
        }
        String uri = parts[1];
        if (uri.startsWith("<")) {
            return Verdict.badRequest("the Request-URI must not be enclosed in angle brackets");
        }
        String lowerUri = uri.toLowerCase(Locale.ROOT);
        if ((lowerUri.startsWith("sip:") || lowerUri.startsWith("sips:")) && uri.indexOf('?', uri.lastIndexOf('@') + 1) >= 0) {
            return Verdict.badRequest("a Request-URI must not carry headers");
        }
        String version = parts[2];
        if (!version.regionMatches(true, 0, "SIP/", 0, 4) || !version.substring(4).matches("[0-9]{1,3}\\.[0-9]{1,3}")) {
            return Verdict.badRequest("the request line ends in no SIP version");
        }
        if (!version.substring(4).equals("2.0")) {
            return new Verdict(505, "Version Not Supported (only SIP/2.0)");
        }
        return null;
    }

    /**
     * Whether a Via header has a comment (RFC 2543's "(...)", gone from RFC 3261's grammar) with a
     * backslash in it. JAIN-SIP's Via parser (1.3.0-91) reads a comment until ")" or a line feed, and
     * lets a backslash take the characters after it unseen: a backslash near the line's end steps
     * over the line feed and the parser never stops, growing one buffer until the heap is gone. A
     * 40-byte datagram, request or response, took a whole server down (found by the long fuzz runs,
     * 2026-12-05). Scans the header section only, lines split at line feeds, folded lines together.
     */
    static boolean viaCommentHasBackslash(byte[] message) {
        boolean inVia = false;
        boolean inComment = false;
        int lineStart = 0;
        for (int i = 0; i <= message.length; i++) {
            if (i < message.length && message[i] != '\n') {
                continue;
            }
            int lineEnd = i > lineStart && message[i - 1] == '\r' ? i - 1 : i;
            if (lineEnd == lineStart) {
                return false; // the empty line: the body starts here
            }
            byte first = message[lineStart];
            if (first != ' ' && first != '\t') {
                inVia = isViaName(message, lineStart, lineEnd);
                inComment = false;
            }
            for (int j = lineStart; inVia && j < lineEnd; j++) {
                inComment |= message[j] == '(';
                if (inComment && message[j] == '\\') {
                    return true;
                }
            }
            lineStart = i + 1;
        }
        return false;
    }

    private static boolean isViaName(byte[] message, int from, int to) {
        int colon = -1;
        for (int i = from; i < to && colon < 0; i++) {
            colon = message[i] == ':' ? i : -1;
        }
        if (colon < 0) {
            return false;
        }
        String name = new String(message, from, colon - from, StandardCharsets.ISO_8859_1).strip();
        return name.equalsIgnoreCase("via") || name.equalsIgnoreCase("v");
    }

    static int indexOf(byte[] data, String pattern) {
        outer:
        for (int i = 0; i + pattern.length() <= data.length; i++) {
            for (int j = 0; j < pattern.length(); j++) {
                if (data[i + j] != pattern.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
