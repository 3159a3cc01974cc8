package dev.mcu.sdp;

import dev.mcu.media.Direction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One media section: the {@code m=<media> <port>[/<number of ports>] <proto> <fmt> ...} line and the
 * {@code i= c= b= k= a=} lines under it (RFC 8866 §5.14). Mutable; not thread-safe.
 */
public final class MediaDescription {
    private String media;
    private int port;
    private int portCount; // 0 when the m= line has no "/count"
    private String protocol;
    private final List<String> formats = new ArrayList<>();
    private String information;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private String key;
    private final Attributes attributes = new Attributes();

    public MediaDescription(String media, int port, String protocol, List<String> formats) {
        this.media = media;
        this.port = port;
        this.protocol = protocol;
        this.formats.addAll(formats);
    }

    static MediaDescription parse(int line, String value) throws SdpParseException {
        String[] f = value.trim().split(" +");
        if (f.length < 3) {
            throw new SdpParseException(line, "m= needs <media> <port> <proto> <fmt>..., got '" + value + "'");
        }
        String portText = f[1];
        int count = 0;
        int slash = portText.indexOf('/');
        int port;
        try {
            if (slash >= 0) {
                count = Integer.parseInt(portText.substring(slash + 1));
                portText = portText.substring(0, slash);
            }
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new SdpParseException(line, "m= port '" + f[1] + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new SdpParseException(line, "m= port " + port + " is outside 0..65535");
        }
        MediaDescription m = new MediaDescription(f[0], port, f[2], List.of(f).subList(3, f.length));
        m.portCount = count;
        return m;
    }

    public String media() { return media; }
    public int port() { return port; }
    public void setPort(int port) { this.port = port; }
    public int portCount() { return portCount; }
    public String protocol() { return protocol; }
    public void setProtocol(String protocol) { this.protocol = protocol; }
    /** The format list as written: payload type numbers for RTP profiles. */
    public List<String> formats() { return formats; }
    public String information() { return information; }
    public void setInformation(String information) { this.information = information; }
    public List<Connection> connections() { return connections; }
    public List<Bandwidth> bandwidths() { return bandwidths; }
    public String key() { return key; }
    public void setKey(String key) { this.key = key; }
    public Attributes attributes() { return attributes; }

    public boolean isRejected() {
        return port == 0;
    }

    /** The RTP payload types of the format list, skipping entries that are not numbers. */
    public List<Integer> payloadTypes() {
        List<Integer> pts = new ArrayList<>();
        for (String f : formats) {
            try {
                pts.add(Integer.parseInt(f));
            } catch (NumberFormatException ignored) {
                // not an RTP format (e.g. "webrtc-datachannel"): not a payload type
            }
        }
        return pts;
    }

    public Optional<Connection> connection() {
        return connections.isEmpty() ? Optional.empty() : Optional.of(connections.get(0));
    }

    public Optional<RtpMap> rtpMap(int payloadType) {
        for (String v : attributes.values("rtpmap")) {
            Optional<RtpMap> map = RtpMap.parse(v);
            if (map.isPresent() && map.get().payloadType() == payloadType) {
                return map;
            }
        }
        return Optional.empty();
    }

    public Optional<Fmtp> fmtp(int payloadType) {
        for (String v : attributes.values("fmtp")) {
            Optional<Fmtp> fmtp = Fmtp.parse(v);
            if (fmtp.isPresent() && fmtp.get().payloadType() == payloadType) {
                return fmtp;
            }
        }
        return Optional.empty();
    }

    /** The fmtp parameters of a payload type (lower-case keys), empty when it has none. */
    public Map<String, String> fmtpParameters(int payloadType) {
        return fmtp(payloadType).map(Fmtp::parameters).orElse(Map.of());
    }

    /** Feedback that applies to this payload type, including wildcard ({@code *}) lines. */
    public List<RtcpFb> rtcpFeedback(int payloadType) {
        List<RtcpFb> out = new ArrayList<>();
        for (String v : attributes.values("rtcp-fb")) {
            RtcpFb.parse(v).filter(fb -> fb.appliesTo(payloadType)).ifPresent(out::add);
        }
        return out;
    }

    public List<Ssrc> ssrcs() {
        List<Ssrc> out = new ArrayList<>();
        for (String v : attributes.values("ssrc")) {
            Ssrc.parse(v).ifPresent(out::add);
        }
        return out;
    }

    public Optional<String> mid() {
        return attributes.value("mid").map(String::trim);
    }

    public Optional<RtcpAddress> rtcp() {
        return attributes.value("rtcp").flatMap(RtcpAddress::parse);
    }

    public boolean rtcpMux() {
        return attributes.has("rtcp-mux");
    }

    /** The direction attribute of this section, if it has one (see {@link SessionDescription#direction}). */
    public Optional<Direction> directionAttribute() {
        for (Attribute a : attributes.asList()) {
            for (Direction d : Direction.values()) {
                if (a.value() == null && a.name().equalsIgnoreCase(d.attribute())) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    /** Replaces any direction attribute, keeping its position, or appends one. */
    public void setDirection(Direction direction) {
        attributes.replace(MediaDescription::isDirection, Attribute.property(direction.attribute()));
    }

    static boolean isDirection(Attribute a) {
        if (a.value() != null) {
            return false;
        }
        for (Direction d : Direction.values()) {
            if (a.name().equalsIgnoreCase(d.attribute())) {
                return true;
            }
        }
        return false;
    }

    /** b=AS in kbit/s, else b=TIAS rounded to kbit/s, else 0. */
    public int bandwidthKbps() {
        return SessionDescription.bandwidthKbps(bandwidths);
    }

    void writeTo(StringBuilder out) {
        out.append("m=").append(media).append(' ').append(port);
        if (portCount > 0) {
            out.append('/').append(portCount);
        }
        out.append(' ').append(protocol);
        for (String f : formats) {
            out.append(' ').append(f);
        }
        out.append(SessionDescription.CRLF);
        SessionDescription.line(out, 'i', information);
        for (Connection c : connections) {
            SessionDescription.line(out, 'c', c.toString());
        }
        for (Bandwidth b : bandwidths) {
            SessionDescription.line(out, 'b', b.toString());
        }
        SessionDescription.line(out, 'k', key);
        for (Attribute a : attributes.asList()) {
            SessionDescription.line(out, 'a', a.toString());
        }
    }
}
