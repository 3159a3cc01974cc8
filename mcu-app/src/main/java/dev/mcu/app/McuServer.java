package dev.mcu.app;

import dev.mcu.app.http.HttpServer;
import dev.mcu.app.egress.EgressRoutes;
import dev.mcu.app.egress.RoomEgresses;
import dev.mcu.app.whip.WhipRoutes;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Router;
import dev.mcu.egress.EgressListener;
import dev.mcu.egress.EgressStats;
import dev.mcu.app.http.StaticPages;
import dev.mcu.conference.RoomEvents;
import dev.mcu.conference.ParticipantSnapshot;
import dev.mcu.conference.Room;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.Admission;
import dev.mcu.sip.Call;
import dev.mcu.sip.ConferenceHandler;
import dev.mcu.sip.JoinRequest;
import dev.mcu.sip.SipServer;
import dev.mcu.sip.SipFloodLimit;
import dev.mcu.sip.SipServerConfig;
import dev.mcu.sip.tls.TlsIdentity;
import dev.mcu.transport.UdpMediaTransportFactory;
import dev.mcu.transport.UdpTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole server: SIP signalling, the RTP transports, the decode pool and the rooms, wired
 * together. It is the SIP layer's {@link ConferenceHandler}: calls come in through it and go to
 * their rooms. {@link #close()} hangs up every call and frees everything, in reverse order of
 * construction.
 */
public final class McuServer implements ConferenceHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(McuServer.class);

    private final McuConfig config;
    private final Threads threads;                         // owned: stopped last
    private final RoomRegistry rooms;                      // owned
    private final UdpMediaTransportFactory transports;     // owned
    private final WebRtcTransportFactory webRtcTransports; // owned, or null when webrtc.port is 0
    private final SipServer sip;                           // owned
    private final HttpServer http;                         // owned, or null when http.port is 0
    private final HttpServer https;                        // owned, or null when http.httpsPort is 0
    private final RoomEgresses egresses;                   // owned: closed before the rooms

    public McuServer(McuConfig config) throws IOException {
        this(config, RoomEvents.NONE);
    }

    /** @param events told of talk spells and speaker changes in every room */
    public McuServer(McuConfig config, RoomEvents events) throws IOException {
        this.config = config;
        TlsIdentity tls = config.needsTls() ? TlsIdentity.loadOrGenerate(Path.of(config.tls().keystore()),
                config.tls().password(), List.of(config.sip().address(), config.sip().reachableAddress())) : null;
        this.threads = new Threads(config);
        this.rooms = new RoomRegistry(config, threads.mediaClock(), events);
        this.egresses = new RoomEgresses(rooms::room, Path.of(config.recording().dir()),
                Path.of(config.recording().hlsDir()), config.video().width(), config.video().height(),
                new EgressLog());
        InetAddress address = InetAddress.getByName(config.sip().address());
        this.transports = new UdpMediaTransportFactory(UdpTransportConfig.defaults(address)
                .withPorts(config.media().portMin(), config.media().portMax())
                .withThreads(config.media().ioThreads())
                .withAllowSdpAddressesOutsideSignallingHost(config.media().allowSdpAddressesOutsideSignallingHost()));
        SipServerConfig sipConfig = new SipServerConfig(config.sip().address(), config.sip().port(),
                config.sip().reachableAddress(), config.sip().transports(), RoomRegistry.RETRY_AFTER_SECONDS, "mcu/0.1")
                .withWebSocketPort(config.sip().wsPort())
                .withSecureWebSocket(config.sip().wssPort(), tls)
                .withFloodLimit(new SipFloodLimit(config.sip().floodLimitPerSecond(), config.sip().floodBurst()));
        WebRtcTransportFactory webRtc = null;
        try {
            if (config.webrtc().port() != 0) {
                webRtc = new WebRtcTransportFactory(WebRtcTransportConfig.of(address, config.webrtc().port())
                        .withAdvertisedAddress(config.sip().reachableAddress()));
            }
            this.webRtcTransports = webRtc;
            this.sip = new SipServer(sipConfig, this, transports, webRtcTransports,
                    new SdpNegotiator(MediaCapabilities.defaults()), threads.sip());
            Router router = routes();
            this.http = startHttp(config, sip, config.http().port(), null, router, null);
            this.https = startHttp(config, sip, config.http().httpsPort(), tls, router, http);
        } catch (IOException | RuntimeException e) {
            if (webRtc != null) {
                webRtc.close();
            }
            transports.close();
            rooms.close();
            threads.close();
            throw e;
        }
        log.info("MCU listening for SIP on {}:{} ({}), media ports {}-{}, video {}x{}@{} fps; dial sip:ROOM@{}:{}",
                config.sip().address(), config.sip().port(), String.join("/", config.sip().transports()),
                config.media().portMin(), config.media().portMax(), config.video().width(), config.video().height(),
                config.video().fps(), config.sip().reachableAddress(), config.sip().port());
    }

    /** Everything served over HTTP and HTTPS: the join page, the API, events, metrics and health. */
    private Router routes() {
        Router router = new Router();
        StaticPages.addTo(router, new StaticPages.PagePorts(config.sip().wsPort(), config.sip().wssPort(),
                config.http().httpsPort()));
        new EgressRoutes(egresses, McuServer::onlyFromThisMachine).addTo(router);
        new WhipRoutes(new WhipRoutes.Server(rooms::room, rooms::pinOf, webRtcTransports,
                new SdpNegotiator(MediaCapabilities.defaults()), config.sip().reachableAddress())).addTo(router);
        return router;
    }

    /**
     * @param tls       HTTPS with this certificate, or null for HTTP
     * @param other     closed with the SIP server when this one cannot start, may be null
     */
    private static HttpServer startHttp(McuConfig config, SipServer sip, int port, TlsIdentity tls, Router router,
                                        HttpServer other) throws IOException {
        if (port == 0) {
            return null;
        }
        String key = tls == null ? "http.port" : "http.httpsPort";
        try {
            HttpServer server = new HttpServer(config.sip().address(), port, tls == null ? null : tls.sslContext(), router);
            log.info("Join page on {}://{}:{}/ (SIP over WebSocket: ws port {}, wss port {})", server.scheme(),
                    config.sip().reachableAddress(), server.port(), config.sip().wsPort(), config.sip().wssPort());
            return server;
        } catch (IOException e) {
            if (other != null) {
                other.close();
            }
            sip.close();
            throw new IOException("cannot serve " + (tls == null ? "HTTP" : "HTTPS") + " on port " + port
                    + " (" + e.getMessage() + "); move it with --set " + key + "=N or turn it off with " + key + "=0", e);
        }
    }

    /**
     * Who may start and stop egress until the API's tokens are wired: callers on this machine only,
     * since an egress makes the server push to any URL it is given.
     */
    private static void onlyFromThisMachine(Request request, String room) {
        if (!request.remoteAddress().isLoopbackAddress()) {
            throw new HttpError(403, "egress can be controlled only from the server's own machine");
        }
    }

    /** Egress reports in the log (the API's event stream takes them once it exists). Egress threads. */
    private static final class EgressLog implements EgressListener {
        @Override
        public void onStarted(String room, EgressStats stats) {
            log.info("Room {}: egress.started {} ({}) to {}", room, stats.id(), stats.kind().apiName(), stats.destination());
        }

        @Override
        public void onStopped(String room, EgressStats stats, String reason) {
            log.info("Room {}: egress.stopped {} ({}): {}", room, stats.id(), stats.kind().apiName(), reason);
        }
    }

    /** The rooms' egresses (recordings, RTMP, SRT, HLS). */
    public RoomEgresses egresses() {
        return egresses;
    }

    /** The port of the plain HTTP server, or 0 when it is off. */
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    /** The port of the HTTPS server, or 0 when it is off. */
    public int httpsPort() {
        return https == null ? 0 : https.port();
    }

    public McuConfig config() {
        return config;
    }

    @Override
    public Admission admit(JoinRequest request) {
        Admission admission = rooms.admit(request);
        if (admission.verdict() != Admission.Verdict.ACCEPT) {
            log.info("Refused {} for room {}: {}", request.caller(), request.room(), admission.reason());
        }
        return admission;
    }

    @Override
    public void onCallAbandoned(JoinRequest request, String reason) {
        rooms.abandon(request);
    }

    @Override
    public void onCallStarted(Call call) {
        rooms.join(call);
    }

    @Override
    public void onCallUpdated(Call call) {
        rooms.update(call);
    }

    @Override
    public void onCallEnded(Call call, String reason) {
        log.info("Call from {} in room {} ended: {}", call.joinRequest().caller(), call.room(), reason);
        rooms.leave(call);
    }

    /** Figures of one room, or empty when no such room is open. */
    public Optional<RoomSnapshot> roomSnapshot(String name) {
        return rooms.room(name).map(room -> new RoomSnapshot(room.stats().join(), room.participants().join()));
    }

    /** An open room, for its commands (mute, role, layout) and participant snapshots; empty when not open. */
    public Optional<Room> room(String name) {
        return rooms.room(name);
    }

    /**
     * Changes an open room's layout at run time.
     *
     * @return false when no such room is open
     */
    public boolean setLayout(String room, LayoutSpec spec) {
        Optional<Room> open = rooms.room(room);
        open.ifPresent(r -> r.setLayout(spec));
        return open.isPresent();
    }

    public List<String> openRooms() {
        return rooms.rooms().stream().map(Room::name).toList();
    }

    public List<Call> calls() {
        return sip.calls();
    }

    /**
     * A room's figures at one moment, for operators and tests: the room's own, and each participant's
     * stats tree; the per-participant sums below are read from the trees.
     */
    public record RoomSnapshot(Room.RoomStats room, List<ParticipantSnapshot> people) {
        public int participants() {
            return people.size();
        }

        public int videoProfiles() {
            return room.videoProfiles();
        }

        public long framesSent() {
            return room.framesSent();
        }

        public int audioEncodesLastRound() {
            return room.audioEncodesLastRound();
        }

        public List<String> mixedSpeakers() {
            return room.mixedSpeakers();
        }

        public String activeSpeaker() {
            return room.activeSpeaker();
        }

        public List<String> visibleInLayout() {
            return room.visibleInLayout();
        }

        public Map<String, Integer> videoBitrateKbps() {
            return room.videoBitrateKbps();
        }

        public long clockErrors() {
            return room.clockErrors();
        }

        /** Video pictures decoded, by participant id (only participants that send video). */
        public Map<String, Long> framesDecodedByParticipant() {
            Map<String, Long> out = new LinkedHashMap<>();
            for (ParticipantSnapshot p : people) {
                if (p.stats().video() != null) {
                    out.put(p.id(), p.stats().video().decoder().frames());
                }
            }
            return out;
        }

        public long framesDecoded() {
            return framesDecodedByParticipant().values().stream().mapToLong(Long::longValue).sum();
        }

        /** Video packets not decoded because nobody sees the sender, summed over the room. */
        public long videoPacketsSkippedInvisible() {
            return people.stream().filter(p -> p.stats().video() != null)
                    .mapToLong(p -> p.stats().video().receive().droppedByReason().getOrDefault("hidden", 0L)).sum();
        }
    }

    @Override
    public void close() {
        for (Call call : sip.calls()) {
            call.hangup();
        }
        if (https != null) {
            https.close();
        }
        if (http != null) {
            http.close();
        }
        sip.close();
        egresses.close(); // recordings get their index before the rooms stop feeding them
        rooms.close();
        if (webRtcTransports != null) {
            webRtcTransports.close();
        }
        transports.close();
        threads.close();
        log.info("MCU stopped");
    }
}
