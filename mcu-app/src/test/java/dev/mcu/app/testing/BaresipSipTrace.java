package dev.mcu.app.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SIP messages in a baresip log written with {@code -s}. Each traced message looks like
 * <pre>
 * #
 * UDP 127.0.0.1:5062 -&gt; 127.0.0.1:5060
 * INVITE sip:room@127.0.0.1:5060 SIP/2.0
 * headers...
 *
 * v=0
 * ...
 * </pre>
 * Immutable; any thread.
 */
public final class BaresipSipTrace {
    private static final Pattern ADDRESS_LINE = Pattern.compile("^(UDP|TCP|TLS) \\S+ -> \\S+$");
    private static final Pattern SDP_LINE = Pattern.compile("^[a-z]=.*");

    private final List<Message> messages;

    private BaresipSipTrace(List<Message> messages) {
        this.messages = List.copyOf(messages);
    }

    /** One traced SIP message: where it went, its first line, its headers and its SDP body (may be empty). */
    public record Message(String route, String startLine, List<String> headers, String sdp) {
        boolean isInviteRequest() {
            return startLine.startsWith("INVITE ");
        }

        boolean isOkToInvite() {
            return startLine.startsWith("SIP/2.0 200")
                    && headers.stream().anyMatch(h -> h.matches("(?i)^CSeq:\\s*\\d+\\s+INVITE\\s*$"));
        }
    }

    public static BaresipSipTrace parse(String log) {
        String[] lines = log.replace("\r", "").split("\n", -1);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i + 2 < lines.length; i++) {
            if (!lines[i].equals("#") || !ADDRESS_LINE.matcher(lines[i + 1]).matches()) {
                continue;
            }
            String route = lines[i + 1];
            String startLine = lines[i + 2];
            int j = i + 3;
            List<String> headers = new ArrayList<>();
            while (j < lines.length && !lines[j].isEmpty()) {
                headers.add(lines[j++]);
            }
            j++; // the blank line between headers and body
            StringBuilder sdp = new StringBuilder();
            while (j < lines.length && SDP_LINE.matcher(lines[j]).matches()) {
                sdp.append(lines[j++]).append("\r\n");
            }
            messages.add(new Message(route, startLine, headers, sdp.toString()));
            i = j - 1;
        }
        return new BaresipSipTrace(messages);
    }

    public List<Message> messages() {
        return messages;
    }

    /** The SDP of baresip's first INVITE: its offer. */
    public Optional<String> offer() {
        return messages.stream().filter(Message::isInviteRequest).map(Message::sdp)
                .filter(s -> !s.isEmpty()).findFirst();
    }

    /** The SDP of the first 200 OK to an INVITE that baresip received: the answer to its offer. */
    public Optional<String> answer() {
        return messages.stream().filter(Message::isOkToInvite).map(Message::sdp)
                .filter(s -> !s.isEmpty()).findFirst();
    }
}
