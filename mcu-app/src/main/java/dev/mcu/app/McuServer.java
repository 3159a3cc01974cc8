package dev.mcu.app;

import dev.mcu.app.api.AdminToken;
import dev.mcu.app.api.ApiRoutes;
import dev.mcu.app.api.Auth;
import dev.mcu.app.api.Lifecycle;
import dev.mcu.app.api.Role;
import dev.mcu.app.cluster.ClusterPresence;
import dev.mcu.app.events.EventBus;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.events.WebhookSender;
import dev.mcu.app.http.HttpServer;
import dev.mcu.app.egress.EgressRoutes;
import dev.mcu.app.egress.RoomEgresses;
import dev.mcu.app.whip.WhipRoutes;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Response;
import dev.mcu.app.http.Router;
import dev.mcu.egress.EgressListener;
import dev.mcu.egress.EgressStats;
import dev.mcu.app.http.StaticPages;
import dev.mcu.conference.RoomEvents;
import dev.mcu.conference.ParticipantSnapshot;
import dev.mcu.conference.Room;
import dev.mcu.decoder.TentFit;
import dev.mcu.encoder.FfmpegNatives;
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
import dev.mcu.sip.SessionTimerRules;
import dev.mcu.sip.WebSocketOrigins;
import dev.mcu.sip.tls.TlsIdentity;
import dev.mcu.transport.UdpMediaTransportFactory;
import dev.mcu.transport.UdpTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransportConfig;
import dev.mcu.transport.webrtc.WebRtcTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final Thumbnails thumbnails;                   // the dashboard's room pictures, made on request
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventBus events = new EventBus();
    private final RoomControl control;
    private final PinGate pins;
    private final Auth auth;
    private final WebhookSender webhooks;                  // owned, or null when webhooks.urls is empty
    private final ServerMetrics metrics;                   // owned
    private final ScheduledExecutorService controlTimer;   // owned: media watchdog, event-stream pings, rate samples
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Router router;                           // the HTTP routes, fixed once built
    private final ClusterPresence cluster;                 // owned, or null when cluster.redisUri is empty

    public McuServer(McuConfig config) throws IOException {
        this(config, RoomEvents.NONE);
    }

    /** @param roomEvents told of talk spells and speaker changes in every room (besides the event bus) */
    public McuServer(McuConfig config, RoomEvents roomEvents) throws IOException {
        FfmpegNatives.load(); // here, before any of the server's threads can race for a first load
        this.config = config;
        TlsIdentity tls = config.needsTls() ? TlsIdentity.loadOrGenerate(Path.of(config.tls().keystore()),
                config.tls().password(), List.of(config.sip().address(), config.sip().reachableAddress())) : null;
        this.auth = new Auth(AdminToken.resolve(config.admin().token(), Path.of(config.tls().keystore())), Clock.systemUTC());
        this.pins = new PinGate(config, Clock.systemUTC());
        this.control = new RoomControl(config, events);
        this.threads = new Threads(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.rooms = new RoomRegistry(config, threads.mediaClock(new MediaMetrics(registry)), control.roomEvents(roomEvents));
        control.useRooms(rooms);
        this.thumbnails = new Thumbnails(rooms::room);
        events.subscribe(e -> {
            if (e.type().equals("room.closed")) {
                thumbnails.forget(e.room());
            }
        });
        this.egresses = new RoomEgresses(rooms::room, Path.of(config.recording().dir()),
                Path.of(config.recording().hlsDir()), config.video().width(), config.video().height(),
                new EgressLog());
        control.useRecordings(egresses::recording);
        this.webhooks = config.webhooks().urls().isEmpty() ? null : new WebhookSender(
                config.webhooks().urls().stream().map(URI::create).toList(), config.webhooks().secret(), Duration.ofMillis(500));
        if (webhooks != null) {
            events.subscribe(webhooks);
        }
        this.metrics = new ServerMetrics(registry, rooms, control, pins, events, webhooks);
        metrics.mediaIoEngine(threads.mediaEngine().setting());
        this.controlTimer = threads.controlTimer();
        if (config.media().timeoutSeconds() > 0) {
            long timeout = TimeUnit.SECONDS.toNanos(config.media().timeoutSeconds());
            controlTimer.scheduleWithFixedDelay(() -> control.endSilentCalls(timeout), 1, 1, TimeUnit.SECONDS);
        }
        controlTimer.scheduleWithFixedDelay(() -> control.sampleRates(controlTimer),
                RecentRates.SAMPLE_PERIOD.toMillis(), RecentRates.SAMPLE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        InetAddress address = InetAddress.getByName(config.sip().address());
        this.transports = new UdpMediaTransportFactory(UdpTransportConfig.defaults(address)
                .withPorts(config.media().portMin(), config.media().portMax())
                .withAllowSdpAddressesOutsideSignallingHost(config.media().allowSdpAddressesOutsideSignallingHost()),
                threads.mediaIo(), threads.contributorIo());
        transports.warnIfOpenFilesShort(config.rooms().maxCalls());
        SipServerConfig sipConfig = new SipServerConfig(config.sip().address(), config.sip().port(),
                config.sip().reachableAddress(), config.sip().transports(), RoomRegistry.RETRY_AFTER_SECONDS, "mcu/0.1")
                .withWebSocketPort(config.sip().wsPort())
                .withSecureWebSocket(config.sip().wssPort(), tls)
                .withFloodLimit(new SipFloodLimit(config.sip().floodLimitPerSecond(), config.sip().floodBurst()))
                .withTlsPort(PortCheck.tlsPortOrOff(config), tls)
                .withWebSocketOrigins(config.sip().allowedOrigins().isEmpty()
                        ? WebSocketOrigins.ownPages(config.http().port(), config.http().httpsPort())
                        : WebSocketOrigins.only(config.sip().allowedOrigins()))
                .withSessionTimers(new SessionTimerRules(config.sip().sessionExpiresSeconds(),
                        config.sip().minSessionExpiresSeconds()));
        WebRtcTransportFactory webRtc = null;
        try {
            if (config.webrtc().port() != 0) {
                webRtc = new WebRtcTransportFactory(WebRtcTransportConfig.of(address, config.webrtc().port())
                        .withAdvertisedAddress(config.sip().reachableAddress()), threads.webRtc());
            }
            this.webRtcTransports = webRtc;
            MediaCapabilities phones = config.media().requireEncryption()
                    ? MediaCapabilities.defaults().withProtocols(MediaCapabilities.SDES_SRTP) : MediaCapabilities.defaults();
            this.sip = new SipServer(sipConfig, this, transports, webRtcTransports, new SdpNegotiator(phones), threads.sip());
            metrics.watch(sip);
            controlTimer.scheduleWithFixedDelay(sip::checkSessionTimers, 1, 1, TimeUnit.SECONDS);
            Router router = routes();
            this.router = router;
            this.http = startHttp(config, sip, config.http().port(), null, router, null, threads);
            this.https = startHttp(config, sip, config.http().httpsPort(), tls, router, http, threads);
        } catch (IOException | RuntimeException e) {
            if (webRtc != null) {
                webRtc.close();
            }
            transports.close();
            rooms.close();
            threads.close();
            controlTimer.shutdownNow();
            if (webhooks != null) {
                webhooks.close();
            }
            metrics.close();
            throw e;
        }
        this.cluster = config.cluster().enabled() ? joinCluster() : null;
        log.info("MCU listening for SIP on {}:{} ({}), media ports {}-{}, video {}x{}@{} fps; dial sip:ROOM@{}:{}",
                config.sip().address(), config.sip().port(), String.join("/", config.sip().transports()),
                config.media().portMin(), config.media().portMax(), config.video().width(), config.video().height(),
                config.video().fps(), config.sip().reachableAddress(), config.sip().port());
        if (!TentFit.available()) {
            log.warn("The native tile-fit kernel (2:1 and 4:1) did not load, so decoders fit grid tiles with zimg "
                    + "at about 3x the CPU ({}). Build the jar on this platform with g++ installed to get it.",
                    TentFit.unavailableReason());
        }
    }

    /** Publishes this node's load and rooms to the registry the SIP proxy reads; refreshed at once on room changes. */
    private ClusterPresence joinCluster() {
        ClusterPresence presence = new ClusterPresence(config.cluster().redisUri(), config.clusterNodeUri(),
                config.cluster().ttlSeconds(), () -> new ClusterPresence.NodeLoad(openRooms(), sip.calls().size(),
                        ClusterPresence.processCpuLoad(), !draining.get()), threads.redis(), controlTimer);
        events.subscribe(event -> {
            switch (event.type()) {
                case "room.created", "room.closed", "participant.joined", "participant.left" -> presence.refreshSoon();
                default -> { }
            }
        });
        return presence;
    }

    /** Everything served over HTTP and HTTPS: the join page, the API, events, metrics and health. */
    private Router routes() {
        Router router = new Router();
        StaticPages.addTo(router, new StaticPages.PagePorts(config.sip().wsPort(), config.sip().wssPort(),
                config.http().httpsPort()));
        new ApiRoutes(control, auth, events, lifecycle(), controlTimer).addTo(router);
        router.get("/metrics", request -> {
            if (config.metrics().requireToken()) {
                Auth.requireAdmin(auth.authenticate(request, false));
            }
            return Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        });
        router.get("/api/v1/rooms/{room}/thumbnail.jpg", request -> {
            String room = request.pathParameter("room");
            Auth.requireHost(auth.authenticate(request, false), room);
            return Response.bytes("image/jpeg", thumbnails.jpeg(room)).withHeader("Cache-Control", "no-store");
        });
        new EgressRoutes(egresses, (request, room) -> Auth.requireHost(auth.authenticate(request, false), room))
                .addTo(router);
        new WhipRoutes(new WhipRoutes.Server(rooms::room, new WhipMembers(), webRtcTransports,
                new SdpNegotiator(MediaCapabilities.defaults()), config.sip().reachableAddress())).addTo(router);
        return router;
    }

    /**
     * @param tls       HTTPS with this certificate, or null for HTTP
     * @param other     closed with the SIP server when this one cannot start, may be null
     */
    private static HttpServer startHttp(McuConfig config, SipServer sip, int port, TlsIdentity tls, Router router,
                                        HttpServer other, Threads threads) throws IOException {
        if (port == 0) {
            return null;
        }
        String key = tls == null ? "http.port" : "http.httpsPort";
        try {
            HttpServer server = new HttpServer(config.sip().address(), port, tls == null ? null : tls.sslContext(), router,
                    threads.httpIo(), threads.httpHandlers());
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
     * WHIP publishers and WHEP viewers as room members: the bearer token is a PIN (with PinGate's
     * per-address limit) or the admin token; admitted, listed, watched and ended as calls are.
     * HTTP workers, and whatever ends a session.
     */
    private final class WhipMembers implements WhipRoutes.Members {
        @Override
        public Role authorize(Request request, String room, boolean publisher) {
            Optional<String> token = request.header("authorization")
                    .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim())
                    .filter(t -> !t.isEmpty());
            if (token.isPresent() && auth.verify(token.get()).filter(c -> c instanceof Auth.Admin).isPresent()) {
                return publisher ? Role.SPEAKER : Role.ATTENDEE;
            }
            String kind = publisher ? "WHIP" : "WHEP";
            String needed = publisher ? "its speakerPin (or hostPin, or the admin token)" : "its PIN";
            PinGate.Verdict verdict = pins.check(new JoinRequest("http-" + kind, room, token, kind.toLowerCase(Locale.ROOT),
                    "", request.remoteAddress(), kind.toLowerCase(Locale.ROOT)));
            if (verdict.refusal() != null) {
                if (verdict.refusal().startsWith("Too many")) {
                    throw new HttpError(429, "too many wrong tokens for room '" + room + "' from your address: wait a minute");
                }
                throw new HttpError(401, token.isEmpty() ? "room '" + room + "' needs " + needed + " as the bearer token"
                        : "wrong token for room '" + room + "'");
            }
            if (!publisher) {
                return Role.ATTENDEE;
            }
            if (verdict.role() == Role.ATTENDEE) {
                throw new HttpError(401, "room '" + room + "' is a webinar: WHIP publishes as a speaker, so it needs "
                        + needed + " as the bearer token");
            }
            return verdict.role();
        }

        @Override
        public void admit(JoinRequest join) {
            if (control.isLocked(join.room())) {
                throw new HttpError(403, "room '" + join.room() + "' is locked");
            }
            Admission admission = rooms.admit(new JoinRequest(join.callId(), join.room(),
                    Optional.ofNullable(pins.roomPin(join.room())), join.callerUri(), join.callerDisplayName(),
                    join.signallingSource(), join.signallingTransport()));
            switch (admission.verdict()) {
                case ACCEPT -> { }
                case BUSY -> throw new HttpError(503, admission.reason());
                case NOT_FOUND -> throw HttpError.notFound(admission.reason());
                case FORBIDDEN -> throw new HttpError(403, admission.reason());
            }
        }

        @Override
        public void abandoned(JoinRequest join) {
            rooms.abandon(join);
        }

        @Override
        public void started(Call session, Role role) {
            SipMember managed = control.register(session, role, session.joinRequest().signallingTransport());
            rooms.join(managed);
            control.joined(session, false);
        }

        @Override
        public void ended(Call session, String reason) {
            onCallEnded(session, reason);
        }
    }

    /** Egress reports in the log and as events (never the destination: it may hold a stream key). Egress threads. */
    private final class EgressLog implements EgressListener {
        @Override
        public void onStarted(String room, EgressStats stats) {
            log.info("Room {}: egress.started {} ({}) to {}", room, stats.id(), stats.kind().apiName(), stats.destination());
            events.publish(McuEvent.of("egress.started", room, null,
                    Map.of("egress", stats.id(), "kind", stats.kind().apiName())));
        }

        @Override
        public void onStopped(String room, EgressStats stats, String reason) {
            log.info("Room {}: egress.stopped {} ({}): {}", room, stats.id(), stats.kind().apiName(), reason);
            events.publish(McuEvent.of("egress.stopped", room, null,
                    Map.of("egress", stats.id(), "kind", stats.kind().apiName(), "reason", reason == null ? "" : reason)));
        }
    }

    /** The rooms' egresses (recordings, RTMP, SRT, HLS). */
    public RoomEgresses egresses() {
        return egresses;
    }

    /** Every HTTP route, as method and path template (for the OpenAPI check). */
    List<Router.Route> httpRoutes() {
        return router.routes();
    }

    /** The port of the plain HTTP server, or 0 when it is off. */
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    /** The port of the HTTPS server, or 0 when it is off. */
    public int httpsPort() {
        return https == null ? 0 : https.port();
    }

    /** The port SIP over TLS listens on, or 0 when it is off (sip.tlsPort 0, or its port was taken). */
    public int sipTlsPort() {
        return sip.config().tlsPort();
    }

    /** The server's pools, for tests in this package (e.g. holding media-io busy). */
    Threads threads() {
        return threads;
    }

    public McuConfig config() {
        return config;
    }

    @Override
    public Admission admit(JoinRequest request) {
        Admission admission = check(request);
        if (admission.verdict() != Admission.Verdict.ACCEPT) {
            log.info("Refused {} for room {}: {}", request.caller(), request.room(), admission.reason());
        }
        return admission;
    }

    private Admission check(JoinRequest request) {
        if (draining.get() && (request.room() == null || rooms.room(request.room()).isEmpty())) {
            return Admission.busy(RoomRegistry.RETRY_AFTER_SECONDS,
                    "the server is draining: no new rooms (calls for open rooms are still accepted)");
        }
        PinGate.Verdict verdict = pins.check(request);
        if (verdict.refusal() != null) {
            return Admission.forbidden(verdict.refusal()).withReasonPhrase(verdict.refusal());
        }
        if (request.room() != null && control.isLocked(request.room())) {
            return Admission.forbidden("Room locked").withReasonPhrase("Room locked");
        }
        // The PIN gave a role; the registry checks only the room's own PIN, so hand it that one.
        Admission admission = rooms.admit(new JoinRequest(request.callId(), request.room(),
                Optional.ofNullable(pins.roomPin(request.room())), request.callerUri(), request.callerDisplayName(),
                request.signallingSource(), request.signallingTransport()));
        if (admission.verdict() == Admission.Verdict.ACCEPT && verdict.role() == Role.ATTENDEE) {
            // we send it the program and take none of its media (but perhaps its audio, for RFC 4733 keys)
            admission = admission.asViewOnly(config.webinar().attendeeAudioForDtmf());
        } else if (admission.verdict() == Admission.Verdict.ACCEPT && pins.isWebinar(request.room())) {
            // A webinar's host or speaker: its sockets get the contributors' event loop, which the
            // attendees' sends never delay. A meeting's calls stay spread over media-io as before:
            // all of them feed the mix and receive alike, and one loop for a busy meeting would be
            // the bottleneck. An attendee promoted later moves there (SipCall.setViewOnly).
            admission = admission.asProgramFeed();
        }
        if (admission.verdict() != Admission.Verdict.ACCEPT || !isBrowserSignalling(request)) {
            return admission;
        }
        // A browser learns its participant id and room token from the 200 OK (JsSIP reads them there).
        String id = control.reserveId(request.callId());
        return admission.withAnswerHeaders(Map.of("X-MCU-Participant", id,
                "X-MCU-Token", auth.roomToken(request.room(), id, verdict.role())));
    }

    private static boolean isBrowserSignalling(JoinRequest request) {
        return request.signallingTransport().equals("ws") || request.signallingTransport().equals("wss");
    }

    @Override
    public void onCallAbandoned(JoinRequest request, String reason) {
        rooms.abandon(request);
    }

    @Override
    public void onCallStarted(Call call) {
        SipMember managed = control.register(call, pins.roleOf(call.joinRequest()),
                call.joinRequest().signallingTransport());
        boolean created = rooms.room(call.room()).isEmpty();
        rooms.join(managed);
        control.joined(call, created);
    }

    @Override
    public void onCallUpdated(Call call) {
        rooms.update(control.managed(call));
        rooms.room(call.room()).ifPresent(room -> control.updated(call, room));
    }

    @Override
    public void onCallEnded(Call call, String reason) {
        log.info("Call from {} in room {} ended: {}", call.joinRequest().caller(), call.room(), reason);
        control.member(call.id()).ifPresent(metrics::retire);
        rooms.leave(call);
        control.left(call, reason, rooms.room(call.room()).isEmpty());
    }

    /** Stops taking calls for new rooms; /readyz answers 503 from now on. */
    public void drain() {
        if (!draining.getAndSet(true)) {
            if (cluster != null) {
                cluster.refreshSoon(); // out of the proxy's ready set now, not at the next tick
            }
            log.info("Draining: no new rooms; {} calls go on, calls for their rooms are still accepted", sip.calls().size());
        }
    }

    public boolean draining() {
        return draining.get();
    }

    /**
     * For shutdown: waits until every call ended or {@code grace} passed.
     *
     * @return true when no call is left
     */
    public boolean awaitCallsEnded(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!sip.calls().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return sip.calls().isEmpty();
    }

    private Lifecycle lifecycle() {
        return new Lifecycle() {
            @Override
            public boolean draining() {
                return draining.get();
            }

            @Override
            public void drain() {
                McuServer.this.drain();
            }

            @Override
            public int calls() {
                return sip == null ? 0 : sip.calls().size();
            }
        };
    }

    /** The event bus: rooms and calls publish, SSE streams and webhooks read. */
    public EventBus events() {
        return events;
    }

    /** A room token for one participant, as browsers get it. */
    public String roomToken(String room, String participant, Role role) {
        return auth.roomToken(room, participant, role);
    }

    /** The participant id the API uses for a call, when the call is up. */
    public Optional<String> participantId(String callId) {
        return control.member(callId).map(m -> m.id);
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
        if (!closed.compareAndSet(false, true)) {
            return; // a second close (a shutdown hook after a failed start, a test's cleanup) has nothing left to do
        }
        for (Call call : sip.calls()) {
            call.hangup();
        }
        controlTimer.shutdownNow();
        if (cluster != null) {
            cluster.close(); // out of the registry before anything stops answering
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
        if (webhooks != null) {
            webhooks.close();
        }
        metrics.close();
        threads.close();
        log.info("MCU stopped");
    }
}
