package dev.mcu.sdp;

import dev.mcu.media.Direction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A whole SDP (RFC 8866): the session lines and the media sections, in the order RFC 8866 §5
 * fixes. Attributes we do not understand are kept with their order, so {@code parse(text).toString()}
 * gives back a CRLF-terminated text equal to a well-formed input. Mutable; not thread-safe: the SIP
 * layer builds one per message on one thread.
 *
 * <pre>
 *   v=  o=  s=  [i=] [u=] [e=]* [p=]* [c=] [b=]* (t= [r=]*)+ [z=] [k=] [a=]*
 *   (m= [i=] [c=]* [b=]* [k=] [a=]*)*
 * </pre>
 */
public final class SessionDescription {
    static final String CRLF = "\r\n";
    private static final String SESSION_ORDER = "vosiuepcbtrzka";
    private static final String MEDIA_ORDER = "icbka";
    /** Bounds on what a remote may make us parse and keep (Chrome's largest offers stay far below). */
    static final int MAX_LINES = 2_000;
    static final int MAX_LINE_LENGTH = 4_096;
    static final int MAX_MEDIA_SECTIONS = 64;

    private Origin origin;
    private String sessionName = "-";
    private String information;
    private String uri;
    private final List<String> emails = new ArrayList<>();
    private final List<String> phones = new ArrayList<>();
    private Connection connection;
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private final List<Timing> timings = new ArrayList<>();
    private String timeZones;
    private String key;
    private final Attributes attributes = new Attributes();
    private final List<MediaDescription> media = new ArrayList<>();

    public SessionDescription(Origin origin) {
        this.origin = origin;
    }

    /** Parses SDP with CRLF or bare LF line ends. Blank lines (often a trailing one) are skipped. */
    public static SessionDescription parse(String text) throws SdpParseException {
        if (text == null || text.isBlank()) {
            throw new SdpParseException(0, "the body is empty");
        }
        String[] lines = text.split("\n", MAX_LINES + 2);
        if (lines.length > MAX_LINES) {
            throw new SdpParseException(MAX_LINES + 1, "more than " + MAX_LINES + " lines");
        }
        SessionDescription sdp = null;
        MediaDescription current = null;
        int lastOrder = -1; // position in SESSION_ORDER / MEDIA_ORDER of the previous line
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() > MAX_LINE_LENGTH) {
                throw new SdpParseException(n, "a line of " + line.length() + " characters (at most " + MAX_LINE_LENGTH + ")");
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpParseException(n, "expected <type>=<value>, got '" + abbreviate(line) + "'");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (sdp == null) {
                if (type != 'v') {
                    throw new SdpParseException(n, "the first line must be v=0, got '" + abbreviate(line) + "'");
                }
                if (!"0".equals(value.trim())) {
                    throw new SdpParseException(n, "unsupported SDP version '" + value + "'");
                }
                sdp = new SessionDescription(null);
                lastOrder = 0;
                continue;
            }
            if (type == 'm') {
                if (sdp.origin == null || sdp.timings.isEmpty()) {
                    throw new SdpParseException(n, "m= before the session's " + (sdp.origin == null ? "o=" : "t=") + " line");
                }
                if (sdp.media.size() == MAX_MEDIA_SECTIONS) {
                    throw new SdpParseException(n, "more than " + MAX_MEDIA_SECTIONS + " m= sections");
                }
                current = MediaDescription.parse(n, value);
                sdp.media.add(current);
                lastOrder = -1;
                continue;
            }
            String order = current == null ? SESSION_ORDER : MEDIA_ORDER;
            int pos = order.indexOf(type);
            if (pos < 0) {
                throw new SdpParseException(n, "'" + type + "=' is not allowed " + (current == null ? "at session level" : "in a media section"));
            }
            if (pos < lastOrder && !(type == 't' && lastOrder == order.indexOf('r'))) {
                throw new SdpParseException(n, "'" + type + "=' is out of order (RFC 8866 §5)");
            }
            lastOrder = pos;
            if (current == null) {
                sdp.parseSessionLine(n, type, value);
            } else {
                parseMediaLine(current, n, type, value);
            }
        }
        if (sdp == null) {
            throw new SdpParseException(0, "the body has no v= line");
        }
        if (sdp.origin == null) {
            throw new SdpParseException(0, "the o= line is missing");
        }
        if (sdp.timings.isEmpty()) {
            throw new SdpParseException(0, "the t= line is missing");
        }
        for (int i = 0; i < sdp.media.size(); i++) {
            if (sdp.connection == null && sdp.media.get(i).connections().isEmpty()) {
                throw new SdpParseException(0, "m-line " + (i + 1) + " has no c= line and the session has none (RFC 8866 §5.7)");
            }
        }
        return sdp;
    }

    private void parseSessionLine(int n, char type, String value) throws SdpParseException {
        switch (type) {
            case 'v' -> throw new SdpParseException(n, "a second v= line");
            case 'o' -> {
                if (origin != null) {
                    throw new SdpParseException(n, "a second o= line");
                }
                origin = Origin.parse(n, value);
            }
            case 's' -> sessionName = value;
            case 'i' -> information = value;
            case 'u' -> uri = value;
            case 'e' -> emails.add(value);
            case 'p' -> phones.add(value);
            case 'c' -> connection = Connection.parse(n, value);
            case 'b' -> bandwidths.add(Bandwidth.parse(n, value));
            case 't' -> timings.add(Timing.parse(n, value));
            case 'r' -> {
                if (timings.isEmpty()) {
                    throw new SdpParseException(n, "r= without a t= line before it");
                }
                Timing last = timings.remove(timings.size() - 1);
                List<String> repeats = new ArrayList<>(last.repeats());
                repeats.add(value);
                timings.add(new Timing(last.start(), last.stop(), List.copyOf(repeats)));
            }
            case 'z' -> timeZones = value;
            case 'k' -> key = value;
            case 'a' -> attributes.add(parseAttribute(n, value));
            default -> throw new IllegalStateException("unreachable: " + type);
        }
    }

    private static void parseMediaLine(MediaDescription m, int n, char type, String value) throws SdpParseException {
        switch (type) {
            case 'i' -> m.setInformation(value);
            case 'c' -> m.connections().add(Connection.parse(n, value));
            case 'b' -> m.bandwidths().add(Bandwidth.parse(n, value));
            case 'k' -> m.setKey(value);
            case 'a' -> m.attributes().add(parseAttribute(n, value));
            default -> throw new IllegalStateException("unreachable: " + type);
        }
    }

    private static Attribute parseAttribute(int n, String value) throws SdpParseException {
        if (value.isEmpty() || value.charAt(0) == ':') {
            throw new SdpParseException(n, "a= without an attribute name");
        }
        return Attribute.parse(value);
    }

    private static String abbreviate(String line) {
        return line.length() > 60 ? line.substring(0, 60) + "..." : line;
    }

    public Origin origin() { return origin; }
    public void setOrigin(Origin origin) { this.origin = origin; }
    public String sessionName() { return sessionName; }
    public void setSessionName(String sessionName) { this.sessionName = sessionName; }
    public String information() { return information; }
    public String uri() { return uri; }
    public List<String> emails() { return emails; }
    public List<String> phones() { return phones; }
    public Optional<Connection> connection() { return Optional.ofNullable(connection); }
    public void setConnection(Connection connection) { this.connection = connection; }
    public List<Bandwidth> bandwidths() { return bandwidths; }
    public List<Timing> timings() { return timings; }
    public Attributes attributes() { return attributes; }
    public List<MediaDescription> media() { return media; }

    /** Where a media section's RTP goes: its own c= line, else the session's. */
    public Optional<Connection> connectionFor(MediaDescription m) {
        return m.connection().or(this::connection);
    }

    /** A media section's direction: its own attribute, else the session's, else sendrecv (RFC 3264 §5.1). */
    public Direction direction(MediaDescription m) {
        return m.directionAttribute().or(() -> {
            for (Attribute a : attributes.asList()) {
                if (MediaDescription.isDirection(a)) {
                    return Optional.of(Direction.valueOf(a.name().toUpperCase(java.util.Locale.ROOT)));
                }
            }
            return Optional.empty();
        }).orElse(Direction.SENDRECV);
    }

    public List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (String v : attributes.values("group")) {
            Group.parse(v).ifPresent(out::add);
        }
        return out;
    }

    static int bandwidthKbps(List<Bandwidth> bandwidths) {
        long tias = 0;
        for (Bandwidth b : bandwidths) {
            if (b.type().equalsIgnoreCase(Bandwidth.AS)) {
                return (int) Math.max(0, Math.min(Integer.MAX_VALUE, b.value()));
            }
            if (b.type().equalsIgnoreCase(Bandwidth.TIAS)) {
                tias = b.value();
            }
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, tias / 1000 + (tias % 1000 > 0 ? 1 : 0)));
    }

    /** The session-level b=AS (or TIAS) in kbit/s, 0 when unstated. */
    public int bandwidthKbps() {
        return bandwidthKbps(bandwidths);
    }

    /** The SDP text with CRLF line ends, every line in RFC 8866 order. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(512);
        line(out, 'v', "0");
        line(out, 'o', origin == null ? null : origin.toString());
        line(out, 's', sessionName);
        line(out, 'i', information);
        line(out, 'u', uri);
        emails.forEach(e -> line(out, 'e', e));
        phones.forEach(p -> line(out, 'p', p));
        line(out, 'c', connection == null ? null : connection.toString());
        bandwidths.forEach(b -> line(out, 'b', b.toString()));
        for (Timing t : timings.isEmpty() ? List.of(Timing.PERMANENT) : timings) {
            line(out, 't', t.toString());
            t.repeats().forEach(r -> line(out, 'r', r));
        }
        line(out, 'z', timeZones);
        line(out, 'k', key);
        attributes.asList().forEach(a -> line(out, 'a', a.toString()));
        media.forEach(m -> m.writeTo(out));
        return out.toString();
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    static void line(StringBuilder out, char type, String value) {
        if (value != null) {
            out.append(type).append('=').append(value).append(CRLF);
        }
    }
}
