package dev.mcu.app.whip;

import dev.mcu.app.api.Role;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Response;
import dev.mcu.app.http.Router;
import dev.mcu.conference.ParticipantSnapshot;
import dev.mcu.conference.Room;
import dev.mcu.media.Codec;
import dev.mcu.sdp.LocalEndpoint;
import dev.mcu.sdp.LocalOrigin;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.sip.Call;
import dev.mcu.sip.JoinRequest;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import dev.mcu.transport.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * WHIP (RFC 9725) and WHEP on the server's HTTP: {@code POST /whip/{room}} with an SDP offer
 * publishes into an open room as a speaker, {@code POST /whep/{room}} watches its program as a
 * view-only attendee; the answer's {@code Location} is the session's resource, which {@code DELETE}
 * ends. Media runs on the one shared WebRTC port (ICE-lite, DTLS-SRTP, BUNDLE). The server is
 * ICE-lite and puts its only candidate in the answer, so it takes no trickled candidates and no
 * ICE restart: {@code PATCH} gets 405, as RFC 9725 §4.3.1 asks of such a server.
 *
 * <p>A session is a member of its room like a call ({@link Members}): the bearer token picks its
 * role as a PIN does (WHIP: the room's speakerPin or hostPin, or the admin token; WHEP: the room's
 * pin when it has one), with the same per-address limit on wrong ones; it takes a place in the room
 * ({@code rooms.maxParticipants}), is listed, kickable and watched by the control plane.
 *
 * <p>Threads: HTTP workers; sessions end on whichever thread hangs them up.
 */
public final class WhipRoutes {
    private static final Logger log = LoggerFactory.getLogger(WhipRoutes.class);
    /** Sessions the whole server holds at once: each is a transport and a room member. */
    static final int MAX_SESSIONS = 500;

    /** What WHIP/WHEP needs of the server. */
    public record Server(Function<String, Optional<Room>> rooms, Members members,
                         MediaTransportFactory webRtcTransports, SdpNegotiator negotiator, String advertisedAddress) {
    }

    /** How sessions become room members, as calls do. HTTP workers, and whatever ends a session. */
    public interface Members {
        /**
         * The role the request's bearer token gives in the room: WHIP must come out host or speaker,
         * WHEP is an attendee whatever it sends.
         *
         * @throws HttpError 401 for a missing or wrong token, 429 after too many wrong ones
         */
        Role authorize(Request request, String room, boolean publisher);

        /** Takes a place in the room, as a call's admission does. @throws HttpError 403 locked, 503 full */
        void admit(JoinRequest join);

        /** An admitted session that never started gives its place back. */
        void abandoned(JoinRequest join);

        /** The session is up: it joins its room with this role and is listed. */
        void started(Call session, Role role);

        /** The session ended: it leaves its room and the list. */
        void ended(Call session, String reason);
    }

    private final Server server;
    private final SdpNegotiator negotiator;
    private final Map<String, WhipSession> sessions = new ConcurrentHashMap<>();

    public WhipRoutes(Server server) {
        this.server = server;
        this.negotiator = server.negotiator().forWebRtc();
    }

    public void addTo(Router router) {
        for (String kind : new String[]{"whip", "whep"}) {
            boolean viewer = kind.equals("whep");
            router.post("/" + kind + "/{room}", r -> offer(r, viewer));
            router.delete("/" + kind + "/{room}/{session}", this::end);
            router.add("PATCH", "/" + kind + "/{room}/{session}", r -> Response.error(405,
                    "this server is ICE-lite and sent all its candidates in the answer: no trickle ICE or ICE restart")
                    .withHeader("Allow", "DELETE"));
        }
    }

    /** Open sessions; for tests and stats. */
    public int sessions() {
        return sessions.size();
    }

    private Response offer(Request request, boolean viewer) {
        String roomName = request.pathParameter("room");
        String type = request.header("content-type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            throw new HttpError(415, "send the offer as application/sdp" + (type.isEmpty() ? "" : ", not " + type));
        }
        Room room = server.rooms().apply(roomName).orElseThrow(() -> HttpError.notFound(
                "no room named '" + roomName + "' is open (WHIP and WHEP join a room somebody is in)"));
        Role role = server.members().authorize(request, roomName, !viewer);
        if (server.webRtcTransports() == null) {
            throw new HttpError(503, "WebRTC is off on this server (webrtc.port is 0)");
        }
        if (sessions.size() >= MAX_SESSIONS) {
            return Response.error(503, "the server holds " + MAX_SESSIONS + " WHIP/WHEP sessions already")
                    .withHeader("Retry-After", "30");
        }
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(new String(request.body(), StandardCharsets.UTF_8));
        } catch (SdpParseException e) {
            throw HttpError.badRequest("the offer is not valid SDP: " + e.getMessage());
        }
        if (!SdpNegotiator.isWebRtcOffer(offer)) {
            throw HttpError.badRequest("the offer is not a WebRTC offer (UDP/TLS/RTP/SAVPF with ICE and a DTLS fingerprint)");
        }
        Negotiation negotiation = viewer ? negotiator.negotiate(offer, videoCodecMostReceive(room))
                : negotiator.negotiate(offer);
        if (!negotiation.succeeded()) {
            throw HttpError.badRequest("nothing in the offer that this server can take: " + negotiation.refusalSummary());
        }
        if (viewer) {
            negotiation = negotiation.viewOnly(); // the program goes out; nothing a viewer sends is taken
        }
        String id = UUID.randomUUID().toString();
        String kind = viewer ? "whep" : "whip";
        JoinRequest join = new JoinRequest(id, roomName, Optional.empty(), kind + ":" + request.remoteAddress().getHostAddress(),
                viewer ? "WHEP viewer" : "WHIP publisher", request.remoteAddress(), kind);
        server.members().admit(join);
        MediaTransport transport;
        try {
            transport = server.webRtcTransports().create(id, request.remoteAddress());
        } catch (IOException e) {
            server.members().abandoned(join);
            return Response.error(503, "cannot open WebRTC media: " + e.getMessage()).withHeader("Retry-After", "30");
        }
        WhipSession session = new WhipSession(join, viewer, transport, (ended, reason) -> {
            sessions.remove(id);
            server.members().ended(ended, reason);
        });
        boolean started = false;
        try {
            session.apply(negotiation);
            LocalEndpoint local = new LocalEndpoint(server.advertisedAddress(), transport::localPort,
                    new LocalOrigin("mcu", server.advertisedAddress()),
                    transport.webRtc().map(WebRtcSession::localDescription).orElse(null));
            SessionDescription answer = negotiator.answer(offer, negotiation, local);
            transport.setFailureHandler(reason -> {
                log.info("Room {}: {} {} ended: its media failed ({})", roomName, session.displayName(), id, reason);
                session.end("its media failed: " + reason);
            });
            sessions.put(id, session);
            server.members().started(session, role);
            started = true;
            log.info("Room {}: {} {} joined from {}", roomName, session.displayName(), id, request.remoteAddress().getHostAddress());
            return new Response(201, "application/sdp", answer.toString().getBytes(StandardCharsets.UTF_8),
                    Map.of(), null).withHeader("Location", "/" + kind + "/" + roomName + "/" + id);
        } finally {
            if (!started) {
                sessions.remove(id);
                transport.close();
                server.members().abandoned(join);
            }
        }
    }

    private Response end(Request request) {
        String roomName = request.pathParameter("room");
        WhipSession session = sessions.get(request.pathParameter("session"));
        if (session == null || !session.room().equals(roomName)) {
            throw HttpError.notFound("no such WHIP/WHEP session (it ended, or the URL is not one this server gave)");
        }
        log.info("Room {}: {} {} left (DELETE)", roomName, session.displayName(), session.id());
        session.end("the client ended it (DELETE)");
        return Response.text(200, "text/plain", "");
    }

    /**
     * The video codec most of the room's video receivers get, or null when nobody receives video: a
     * viewer that can take it shares that encode (a browser offers VP8 first, which would otherwise
     * start a second full ladder beside the phones' H.264).
     */
    private static Codec videoCodecMostReceive(Room room) {
        Map<Codec, Integer> receivers = new java.util.EnumMap<>(Codec.class);
        for (ParticipantSnapshot p : room.participants().join()) {
            if (p.videoLayer() != null && p.videoCodec() != null) {
                receivers.merge(p.videoCodec(), 1, Integer::sum);
            }
        }
        return receivers.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }
}
