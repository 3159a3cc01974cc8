package dev.mcu.app;

import dev.mcu.conference.VideoLayerSpec;
import dev.mcu.conference.VideoSettings;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.RelativeTile;
import dev.mcu.transport.IoEngine;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration: the embedded {@code mcu-defaults.yaml}, overlaid by an optional user
 * file, overlaid by {@code key.path=value} overrides from the command line. Immutable once built.
 * A key the defaults do not know is an error (a typo must not be silently ignored).
 */
public record McuConfig(Sip sip, Media media, VideoSettings video, AudioSettings audio, Rooms rooms, Http http,
                        WebRtc webrtc, Tls tls, Recording recording, Admin admin, Webhooks webhooks, Metrics metrics,
                        Shutdown shutdown, Webinar webinar, Cluster cluster) {

    /**
     * @param dir    where recordings (egress kind "record") are written
     * @param hlsDir where each room's HLS output is written, served at /hls/{room}/index.m3u8
     */
    public record Recording(String dir, String hlsDir) {
    }

    /** @param wsPort SIP over WebSocket for browsers (RFC 7118), 0 = off */
    /**
     * @param address           where SIP, RTP and the join page bind (0.0.0.0 for every interface)
     * @param advertisedAddress what Contact headers and SDP tell phones to reach; empty = {@code address}
     */
    /**
     * @param wssPort              SIP over secure WebSocket (wss://) for the join page on https, 0 = off
     * @param floodLimitPerSecond  new INVITEs and OPTIONS one address may keep up per second, 0 = no limit
     * @param floodBurst           how many of them one address may send at once
     * @param tlsPort              SIP over TLS (usually 5061) with the certificate of tls.keystore, 0 = off
     * @param allowedOrigins       web pages (scheme://host[:port], or *) that may use SIP over WS/WSS;
     *                             empty = this server's own join page
     * @param sessionExpiresSeconds the longest RFC 4028 session interval we agree to
     * @param minSessionExpiresSeconds the shortest (422 with Min-SE below it); RFC 4028's floor is 90
     */
    public record Sip(String address, String advertisedAddress, int port, List<String> transports, int wsPort,
                      int wssPort, int floodLimitPerSecond, int floodBurst, int tlsPort, List<String> allowedOrigins,
                      int sessionExpiresSeconds, int minSessionExpiresSeconds) {
        /** The address phones are told to use. */
        public String reachableAddress() {
            return advertisedAddress.isBlank() ? address : advertisedAddress;
        }
    }

    /** @param port the join page for browsers, 0 = off */
    /** @param port the one UDP port all browsers' media uses (ICE-lite, DTLS-SRTP); 0 = off */
    public record WebRtc(int port) {
    }

    /** @param httpsPort the join page over HTTPS (browsers on other hosts need it for the camera), 0 = off */
    public record Http(int port, int httpsPort) {
    }

    /**
     * The certificate of HTTPS and WSS.
     *
     * @param keystore a PKCS12 file; when it does not exist, a self-signed certificate is generated there
     * @param password the keystore's (and its key's) password
     */
    public record Tls(String keystore, String password) {
    }

    /** True when HTTPS, WSS or SIP over TLS is on, so the server needs its certificate. */
    public boolean needsTls() {
        return http.httpsPort > 0 || sip.wssPort > 0 || sip.tlsPort > 0;
    }

    /**
     * @param timeoutSeconds    a call whose media stops this long is hung up; 0 = never
     * @param requireEncryption phones must offer SDES-keyed SRTP (RTP/SAVP with a=crypto); plain RTP gets 488
     * @param ioEngine          the media sockets' Netty transport: auto, io_uring, epoll or nio ({@link IoEngine})
     */
    public record Media(int portMin, int portMax, boolean allowSdpAddressesOutsideSignallingHost,
                        int ioThreads, int decodeThreads, int timeoutSeconds, boolean requireEncryption, String ioEngine) {
    }

    /**
     * @param layout           how the room's video is arranged: GRID, SPEAKER, PRESENTER or PICTURE_IN_PICTURE
     * @param followSpeaker    a focused layout follows the active speaker
     * @param highlightSpeaker draw a border around the active speaker's tile
     * @param customTiles      the tiles of a CUSTOM layout, read from {@code video.customLayoutFile}
     * @param showNames        write each participant's name on its tile
     */

    public record AudioSettings(int maxSpeakers) {
    }

    /**
     * One configured room. PINs are null when unset. The PIN dialled picks the role: {@code hostPin}
     * a host, {@code speakerPin} a speaker, {@code pin} (or none when {@code pin} is unset) an
     * attendee in a webinar and a speaker in a meeting.
     *
     * @param mode meeting or webinar
     */
    public record RoomSpec(String name, String mode, String pin, String hostPin, String speakerPin) {
        public RoomSpec(String name, String pin) {
            this(name, "meeting", pin, null, null);
        }

        /** True when nobody may enter without a PIN. */
        public boolean pinRequired() {
            return pin != null;
        }

        /** True when a PIN is not needed to enter but a host or speaker PIN gives a role. */
        public boolean pinOptional() {
            return pin == null && (hostPin != null || speakerPin != null);
        }

        /** Keeps PINs out of logs and toString-based messages. */
        @Override
        public String toString() {
            return "RoomSpec[name=" + name + ", mode=" + mode + ", PINs hidden]";
        }
    }

    /** @param token the API's bearer token; empty: generated once and kept beside tls.keystore */
    public record Admin(String token) {
        @Override
        public String toString() {
            return "Admin[token hidden]";
        }
    }

    /** @param urls receivers of every event as a signed JSON POST; @param secret the HMAC-SHA256 key */
    public record Webhooks(List<String> urls, String secret) {
        @Override
        public String toString() {
            return "Webhooks[urls=" + urls + ", secret hidden]";
        }
    }

    /** @param requireToken /metrics asks for the admin token too */
    public record Metrics(boolean requireToken) {
    }

    /** @param graceSeconds after SIGTERM, how long calls may go on before everybody is hung up */
    /**
     * @param promotedStartMuted   an attendee promoted to speaker starts muted (unmutes with *6, the page or the API)
     * @param attendeeAudioForDtmf an attendee's audio is answered sendrecv (its voice dropped unread) so
     *                             that RFC 4733 DTMF reaches us; else it is receive-only
     */
    public record Webinar(boolean promotedStartMuted, boolean attendeeAudioForDtmf) {
    }

    public record Shutdown(int graceSeconds) {
    }

    /**
     * Several nodes behind one SIP proxy (README, "Running several nodes").
     *
     * @param redisUri   the registry, e.g. {@code redis://10.0.0.5:6379}; empty: a single node, nothing published
     * @param nodeUri    the SIP URI the proxy relays this node's calls to, exactly as the proxy's
     *                   dispatcher list names it; empty: {@code sip:<sip.advertisedAddress or address>:<sip.port>}
     * @param ttlSeconds how long the registry keeps this node and its rooms without a refresh (refreshed every second)
     */
    public record Cluster(String redisUri, String nodeUri, int ttlSeconds) {
        public boolean enabled() {
            return !redisUri.isBlank();
        }
    }

    /** This node's SIP URI in the cluster registry. */
    public String clusterNodeUri() {
        return cluster.nodeUri.isBlank() ? "sip:" + sip.reachableAddress() + ":" + sip.port : cluster.nodeUri;
    }

    public record Rooms(boolean autoCreate, int maxParticipants, int maxCalls, List<RoomSpec> list) {
    }

    public static McuConfig defaults() {
        return load(null, List.of());
    }

    /**
     * @param userFile  a YAML file whose keys override the defaults, or null
     * @param overrides {@code dotted.key=value} strings, applied last
     * @throws IllegalArgumentException naming the offending key or value
     */
    public static McuConfig load(Path userFile, List<String> overrides) {
        Map<String, Object> tree = readDefaults();
        if (userFile != null) {
            if (Files.isDirectory(userFile)) {
                throw new IllegalArgumentException("configuration file " + userFile
                        + " is a directory; --config names a YAML file");
            }
            if (!Files.exists(userFile)) {
                throw new IllegalArgumentException("configuration file " + userFile + " not found");
            }
            try (Reader reader = Files.newBufferedReader(userFile)) {
                Object user = yaml().load(reader);
                if (user != null) {
                    merge(tree, asMap(user, userFile.toString()), "");
                }
            } catch (MarkedYAMLException e) {
                throw new IllegalArgumentException(userFile + " is not valid YAML: " + yamlProblem(e), e);
            } catch (YAMLException e) {
                throw new IllegalArgumentException(userFile + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + userFile + ": " + e.getMessage(), e);
            }
        }
        for (String override : overrides) {
            applyOverride(tree, override);
        }
        return fromTree(tree);
    }

    /** "line 3, column 7: mapping values are not allowed here": SnakeYAML's several lines in one. */
    private static String yamlProblem(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        return where + (problem == null ? "unreadable" : problem);
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static Map<String, Object> readDefaults() {
        try (InputStream in = McuConfig.class.getResourceAsStream("/mcu-defaults.yaml")) {
            if (in == null) {
                throw new IllegalStateException("mcu-defaults.yaml is missing from the jar");
            }
            return asMap(yaml().load(in), "mcu-defaults.yaml");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(where + ": expected a mapping of keys, got " + o);
        }
        return new LinkedHashMap<>((Map<String, Object>) o);
    }

    private static void merge(Map<String, Object> into, Map<String, Object> from, String prefix) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            String key = prefix + e.getKey();
            if (!into.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown configuration key '" + key
                        + "'; the known keys are listed in mcu-defaults.yaml (see README)");
            }
            Object current = into.get(e.getKey());
            if (current instanceof Map && e.getValue() instanceof Map) {
                Map<String, Object> nested = asMap(current, key);
                merge(nested, asMap(e.getValue(), key), key + ".");
                into.put(e.getKey(), nested);
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    private static void applyOverride(Map<String, Object> tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("override '" + override + "' must look like key.path=value");
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        Object value = yaml().load(override.substring(eq + 1));
        Map<String, Object> node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            Object child = node.get(path[i]);
            if (!(child instanceof Map)) {
                throw new IllegalArgumentException("unknown configuration key '" + override.substring(0, eq) + "'");
            }
            Map<String, Object> copy = asMap(child, path[i]);
            node.put(path[i], copy);
            node = copy;
        }
        String leaf = path[path.length - 1];
        if (!node.containsKey(leaf)) {
            throw new IllegalArgumentException("unknown configuration key '" + override.substring(0, eq) + "'");
        }
        node.put(leaf, value);
    }

    private static McuConfig fromTree(Map<String, Object> t) {
        Map<String, Object> sip = asMap(t.get("sip"), "sip");
        Map<String, Object> media = asMap(t.get("media"), "media");
        Map<String, Object> video = asMap(t.get("video"), "video");
        Map<String, Object> audio = asMap(t.get("audio"), "audio");
        Map<String, Object> rooms = asMap(t.get("rooms"), "rooms");
        Map<String, Object> http = asMap(t.get("http"), "http");
        Map<String, Object> webrtc = asMap(t.get("webrtc"), "webrtc");
        Map<String, Object> tls = asMap(t.get("tls"), "tls");
        Map<String, Object> recording = asMap(t.get("recording"), "recording");
        Map<String, Object> admin = asMap(t.get("admin"), "admin");
        Map<String, Object> webhooks = asMap(t.get("webhooks"), "webhooks");
        Map<String, Object> metrics = asMap(t.get("metrics"), "metrics");
        Map<String, Object> shutdown = asMap(t.get("shutdown"), "shutdown");
        Map<String, Object> webinar = asMap(t.get("webinar"), "webinar");
        Map<String, Object> cluster = asMap(t.get("cluster"), "cluster");
        McuConfig config = new McuConfig(
                new Sip(str(sip, "sip.address"), str(sip, "sip.advertisedAddress"), integer(sip, "sip.port"), stringList(sip.get("transports"), "sip.transports"),
                        integer(sip, "sip.wsPort"), integer(sip, "sip.wssPort"), integer(sip, "sip.floodLimitPerSecond"),
                        integer(sip, "sip.floodBurst"), integer(sip, "sip.tlsPort"),
                        stringList(sip.get("allowedOrigins"), "sip.allowedOrigins"),
                        integer(sip, "sip.sessionExpiresSeconds"), integer(sip, "sip.minSessionExpiresSeconds")),
                new Media(integer(media, "media.portMin"), integer(media, "media.portMax"),
                        bool(media, "media.allowSdpAddressesOutsideSignallingHost"), integer(media, "media.ioThreads"),
                        integer(media, "media.decodeThreads"), integer(media, "media.timeoutSeconds"),
                        bool(media, "media.requireEncryption"), str(media, "media.ioEngine")),
                new VideoSettings(integer(video, "video.width"), integer(video, "video.height"), integer(video, "video.fps"),
                        integer(video, "video.bitrateKbps"), integer(video, "video.minBitrateKbps"),
                        integer(video, "video.keyframeIntervalSeconds"),
                        layoutKind(str(video, "video.layout")), bool(video, "video.followSpeaker"),
                        bool(video, "video.highlightSpeaker"), customTiles(video.get("customLayoutFile")),
                        bool(video, "video.showNames"), layerList(video.get("layers"))),
                new AudioSettings(integer(audio, "audio.maxSpeakers")),
                new Rooms(bool(rooms, "rooms.autoCreate"), integer(rooms, "rooms.maxParticipants"),
                        integer(rooms, "rooms.maxCalls"), roomList(rooms.get("list"))),
                new Http(integer(http, "http.port"), integer(http, "http.httpsPort")),
                new WebRtc(integer(webrtc, "webrtc.port")),
                new Tls(str(tls, "tls.keystore"), str(tls, "tls.password")),
                new Recording(str(recording, "recording.dir"), str(recording, "recording.hlsDir")),
                new Admin(str(admin, "admin.token")),
                new Webhooks(stringList(webhooks.get("urls"), "webhooks.urls"), str(webhooks, "webhooks.secret")),
                new Metrics(bool(metrics, "metrics.requireToken")),
                new Shutdown(integer(shutdown, "shutdown.graceSeconds")),
                new Webinar(bool(webinar, "webinar.promotedStartMuted"), bool(webinar, "webinar.attendeeAudioForDtmf")),
                new Cluster(str(cluster, "cluster.redisUri").trim(), str(cluster, "cluster.nodeUri").trim(),
                        integer(cluster, "cluster.ttlSeconds")));
        config.validate();
        return config;
    }

    private void validate() {
        require(!isWildcard(sip.reachableAddress()),
                "sip.address is " + sip.address + ": set sip.advertisedAddress to the address phones can reach");
        require(sip.port > 0 && sip.port < 65536, "sip.port must be 1..65535, got " + sip.port);
        for (String transport : sip.transports) {
            require(List.of("udp", "tcp").contains(transport.toLowerCase(Locale.ROOT)),
                    "sip.transports may contain udp and tcp, got " + transport);
        }
        require(sip.wsPort >= 0 && sip.wsPort < 65536, "sip.wsPort must be 0 (off) or 1..65535, got " + sip.wsPort);
        require(sip.wssPort >= 0 && sip.wssPort < 65536, "sip.wssPort must be 0 (off) or 1..65535, got " + sip.wssPort);
        require(sip.minSessionExpiresSeconds >= 1 && sip.sessionExpiresSeconds >= sip.minSessionExpiresSeconds,
                "sip.minSessionExpiresSeconds (" + sip.minSessionExpiresSeconds + ") must be at least 1 and at most"
                        + " sip.sessionExpiresSeconds (" + sip.sessionExpiresSeconds + ")");
        for (String origin : sip.allowedOrigins) {
            require(origin.equals("*") || origin.matches("(?i)https?://[^/\\s]+/?"),
                    "sip.allowedOrigins entries look like https://meet.example.com or http://10.0.0.5:8080 (or * for any page), got '"
                            + origin + "'");
        }
        require(sip.tlsPort >= 0 && sip.tlsPort < 65536, "sip.tlsPort must be 0 (off) or 1..65535, got " + sip.tlsPort);
        require(sip.floodLimitPerSecond >= 0, "sip.floodLimitPerSecond must be 0 (no limit) or more, got " + sip.floodLimitPerSecond);
        require(sip.floodLimitPerSecond == 0 || sip.floodBurst >= 1,
                "sip.floodBurst must be at least 1 while sip.floodLimitPerSecond is on, got " + sip.floodBurst);
        require(http.port >= 0 && http.port < 65536, "http.port must be 0 (off) or 1..65535, got " + http.port);
        require(http.httpsPort >= 0 && http.httpsPort < 65536,
                "http.httpsPort must be 0 (off) or 1..65535, got " + http.httpsPort);
        requireDistinctTcpPorts();
        require(!needsTls() || !tls.keystore.isBlank(),
                "tls.keystore must name a PKCS12 file (it is generated when missing) while http.httpsPort, sip.wssPort or sip.tlsPort is on");
        require(!needsTls() || !tls.password.isEmpty(), "tls.password must not be empty while http.httpsPort, sip.wssPort or sip.tlsPort is on");
        require(media.portMin > 1024 && media.portMax < 65536 && media.portMax - media.portMin >= 3,
                "media.portMin..portMax must be a range above 1024 with room for at least one call, got "
                        + media.portMin + ".." + media.portMax);
        require(video.width() >= 64 && video.height() >= 64 && video.width() % 2 == 0 && video.height() % 2 == 0,
                "video.width and video.height must be even and at least 64, got " + video.width() + "x" + video.height());
        require(video.layout() != LayoutKind.CUSTOM || !video.customTiles().isEmpty(),
                "video.layout is custom: set video.customLayoutFile to a YAML or JSON file with a list 'tiles' of {x, y, width, height}");
        require(video.fps() >= 1 && video.fps() <= 60, "video.fps must be 1..60, got " + video.fps());
        require(media.timeoutSeconds >= 0, "media.timeoutSeconds must be 0 (never) or more, got " + media.timeoutSeconds);
        require(media.ioThreads >= 1 && media.decodeThreads >= 0,
                "media.ioThreads must be at least 1 and media.decodeThreads at least 0");
        require(IoEngine.isSetting(media.ioEngine), "media.ioEngine must be " + IoEngine.settings() + ", got '"
                + media.ioEngine + "'");
        require(video.minBitrateKbps() >= 30 && video.minBitrateKbps() <= video.bitrateKbps(),
                "video.minBitrateKbps must be 30..video.bitrateKbps, got " + video.minBitrateKbps());
        require(video.bitrateKbps() >= 50, "video.bitrateKbps must be at least 50, got " + video.bitrateKbps());
        require(audio.maxSpeakers >= 1, "audio.maxSpeakers must be at least 1, got " + audio.maxSpeakers);
        require(webrtc.port >= 0 && webrtc.port < 65536, "webrtc.port must be 0..65535, got " + webrtc.port);
        require(webrtc.port == 0 || webrtc.port < media.portMin || webrtc.port > media.portMax,
                "webrtc.port " + webrtc.port + " lies inside media.portMin..portMax; move one of them");
        require(rooms.maxParticipants >= 1, "rooms.maxParticipants must be at least 1");
        require(rooms.maxCalls >= 1, "rooms.maxCalls must be at least 1");
        require(admin.token.isEmpty() || admin.token.length() >= 16,
                "admin.token must be at least 16 characters (or empty to have one generated)");
        for (String url : webhooks.urls) {
            require(url.startsWith("http://") || url.startsWith("https://"),
                    "webhooks.urls must be http:// or https:// addresses, got '" + url + "'");
        }
        require(webhooks.urls.isEmpty() || !webhooks.secret.isEmpty(),
                "webhooks.secret must be set when webhooks.urls is, so receivers can check the signature");
        require(cluster.redisUri.isEmpty() || cluster.redisUri.startsWith("redis://")
                        || cluster.redisUri.startsWith("rediss://"),
                "cluster.redisUri must be redis://HOST:PORT (or rediss:// for TLS), got '" + cluster.redisUri + "'");
        require(cluster.nodeUri.isEmpty() || cluster.nodeUri.matches("sips?:[^@\\s]+"),
                "cluster.nodeUri must be a SIP URI without a user part, e.g. sip:10.0.0.11:5060, got '" + cluster.nodeUri + "'");
        require(cluster.ttlSeconds >= 2, "cluster.ttlSeconds must be at least 2 (the node refreshes every second), got "
                + cluster.ttlSeconds);
        require(shutdown.graceSeconds >= 0, "shutdown.graceSeconds must be 0 or more, got " + shutdown.graceSeconds);
    }

    /** The TCP listeners that are on must each have their own port. */
    private void requireDistinctTcpPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (sip.transports.contains("tcp")) {
            ports.put("sip.port (TCP)", sip.port);
        }
        ports.put("sip.wsPort", sip.wsPort);
        ports.put("sip.wssPort", sip.wssPort);
        ports.put("sip.tlsPort", sip.tlsPort);
        ports.put("http.port", http.port);
        ports.put("http.httpsPort", http.httpsPort);
        List<Map.Entry<String, Integer>> on = ports.entrySet().stream().filter(e -> e.getValue() > 0).toList();
        for (int i = 0; i < on.size(); i++) {
            for (int j = i + 1; j < on.size(); j++) {
                require(!on.get(i).getValue().equals(on.get(j).getValue()), on.get(j).getKey() + " and " + on.get(i).getKey()
                        + " must differ, both are " + on.get(i).getValue());
            }
        }
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid configuration: " + message);
        }
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(leaf(key));
        if (v == null) {
            throw new IllegalArgumentException("configuration key '" + key + "' needs a value");
        }
        return v.toString();
    }

    private static int integer(Map<String, Object> m, String key) {
        Object v = m.get(leaf(key));
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key '" + key + "' must be a whole number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, Object> m, String key) {
        Object v = m.get(leaf(key));
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("configuration key '" + key + "' must be true or false, got '" + v + "'");
    }

    /**
     * Reads a custom layout: YAML or JSON with {@code tiles: [{x: 0, y: 0, width: 0.5, height: 1}, ...]}
     * in units of the canvas.
     */
    static List<RelativeTile> customTiles(Object file) {
        if (file == null || file.toString().isBlank()) {
            return List.of();
        }
        Path path = Path.of(file.toString());
        Map<String, Object> tree;
        try (Reader reader = Files.newBufferedReader(path)) {
            tree = asMap(yaml().load(reader), path.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read video.customLayoutFile " + path + ": " + e.getMessage(), e);
        }
        if (!(tree.get("tiles") instanceof List<?> tiles)) {
            throw new IllegalArgumentException(path + " needs a list 'tiles' of {x, y, width, height}");
        }
        List<RelativeTile> out = new ArrayList<>();
        for (Object o : tiles) {
            Map<String, Object> t = asMap(o, path + " tile");
            out.add(new RelativeTile(number(t, "x", path), number(t, "y", path), number(t, "width", path),
                    number(t, "height", path)));
        }
        return List.copyOf(out);
    }

    private static double number(Map<String, Object> m, String key, Path file) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(file + ": every tile needs a number '" + key + "', got " + m);
    }

    private static LayoutKind layoutKind(String value) {
        String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (normalized.equals("PIP")) {
            return LayoutKind.PICTURE_IN_PICTURE;
        }
        try {
            return LayoutKind.valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("video.layout must be grid, speaker, presenter, pip or custom, got '" + value + "'");
        }
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    private static List<String> stringList(Object v, String key) {
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("configuration key '" + key + "' must be a list, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            out.add(String.valueOf(o));
        }
        return List.copyOf(out);
    }

    private static final List<String> LAYER_KEYS = List.of("width", "height", "kbps");

    /** {@code video.layers}: [{width, height, kbps}, ...]; null or empty is a one-layer ladder (the canvas). */
    static List<VideoLayerSpec> layerList(Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("video.layers must be a list of {width, height, kbps}, e.g. "
                    + "[{width: 640, height: 360, kbps: 500}], got " + v);
        }
        List<VideoLayerSpec> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> layer = asMap(o, "video.layers entry");
            for (String key : layer.keySet()) {
                if (!LAYER_KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown key '" + key + "' in a video.layers entry " + layer
                            + "; an entry takes width, height and kbps");
                }
            }
            if (!(layer.get("width") instanceof Integer w) || !(layer.get("height") instanceof Integer h)
                    || !(layer.get("kbps") instanceof Integer kbps)) {
                throw new IllegalArgumentException("every video.layers entry needs whole numbers width, height and kbps, got "
                        + layer);
            }
            if (w < 16 || h < 16 || w % 2 != 0 || h % 2 != 0 || kbps < 30) {
                throw new IllegalArgumentException("a video.layers entry must be even sizes of at least 16x16 and at least"
                        + " 30 kbps, got " + w + "x" + h + " at " + kbps + " kbps");
            }
            out.add(new VideoLayerSpec(w, h, kbps));
        }
        return List.copyOf(out);
    }

    private static final List<String> ROOM_KEYS = List.of("name", "mode", "pin", "hostPin", "speakerPin");

    private static List<RoomSpec> roomList(Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("configuration key 'rooms.list' must be a list of {name, mode, pin, hostPin, speakerPin}");
        }
        List<RoomSpec> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> room = asMap(o, "rooms.list entry");
            Object name = room.get("name");
            if (name == null || name.toString().isBlank()) {
                throw new IllegalArgumentException("every entry of rooms.list needs a name");
            }
            for (String key : room.keySet()) {
                if (!ROOM_KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown key '" + key + "' in rooms.list entry '" + name
                            + "'; an entry takes " + String.join(", ", ROOM_KEYS));
                }
            }
            String mode = room.get("mode") == null ? "meeting" : room.get("mode").toString();
            if (!mode.equals("meeting") && !mode.equals("webinar")) {
                throw new IllegalArgumentException("rooms.list entry '" + name + "': mode must be meeting or webinar, got '"
                        + mode + "'");
            }
            out.add(new RoomSpec(name.toString(), mode, pinOf(room, "pin"), pinOf(room, "hostPin"), pinOf(room, "speakerPin")));
        }
        return List.copyOf(out);
    }

    private static String pinOf(Map<String, Object> room, String key) {
        Object pin = room.get(key);
        if (pin == null) {
            return null;
        }
        String text = pin.toString();
        if (!text.matches("[0-9]{1,16}")) {
            throw new IllegalArgumentException("rooms.list entry '" + room.get("name") + "': " + key
                    + " must be 1 to 16 digits (phones dial it on the keypad)");
        }
        return text;
    }
}
