package dev.mcu.app.whip;

import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Response;
import dev.mcu.app.http.Router;
import dev.mcu.conference.Room;
import dev.mcu.sdp.Answer;
import dev.mcu.sdp.LocalEndpoint;
import dev.mcu.sdp.LocalOrigin;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import dev.mcu.transport.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 * <p>Threads: HTTP workers; sessions end on whichever thread hangs them up.
 */
public final class WhipRoutes {
    private static final Logger log = LoggerFactory.getLogger(WhipRoutes.class);
    /** Sessions the whole server holds at once: each is a transport and a room member. */
    static final int MAX_SESSIONS = 500;

    /** What WHIP/WHEP needs of the server. */
    public record Server(Function<String, Optional<Room>> rooms, Function<String, Optional<String>> roomPin,
                         MediaTransportFactory webRtcTransports, SdpNegotiator negotiator, String advertisedAddress) {
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
        checkToken(request, roomName);
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
        Negotiation negotiation = negotiator.negotiate(offer);
        if (!negotiation.succeeded()) {
            throw HttpError.badRequest("nothing in the offer that this server can take: " + negotiation.refusalSummary());
        }
        String id = UUID.randomUUID().toString();
        MediaTransport transport;
        try {
            transport = server.webRtcTransports().create(id, request.remoteAddress());
        } catch (IOException e) {
            return Response.error(503, "cannot open WebRTC media: " + e.getMessage()).withHeader("Retry-After", "30");
        }
        WhipSession session = new WhipSession(id, roomName, viewer, transport, () -> {
            sessions.remove(id);
            room.leave(id);
        });
        boolean joined = false;
        try {
            session.apply(negotiation);
            LocalEndpoint local = new LocalEndpoint(server.advertisedAddress(), transport::localPort,
                    new LocalOrigin("mcu", server.advertisedAddress()),
                    transport.webRtc().map(WebRtcSession::localDescription).orElse(null));
            Answer answer = negotiator.answer(offer, local);
            if (!answer.acceptable()) {
                throw HttpError.badRequest("nothing in the offer that this server can take: "
                        + answer.negotiation().refusalSummary());
            }
            transport.setFailureHandler(reason -> {
                log.info("Room {}: {} {} ended: its media failed ({})", roomName, session.displayName(), id, reason);
                session.hangup();
            });
            sessions.put(id, session);
            room.join(session);
            joined = true;
            log.info("Room {}: {} {} joined from {}", roomName, session.displayName(), id, request.remoteAddress().getHostAddress());
            String kind = viewer ? "whep" : "whip";
            return new Response(201, "application/sdp", answer.sdp().toString().getBytes(StandardCharsets.UTF_8),
                    Map.of(), null).withHeader("Location", "/" + kind + "/" + roomName + "/" + id);
        } finally {
            if (!joined) {
                sessions.remove(id);
                transport.close();
            }
        }
    }

    private Response end(Request request) {
        String roomName = request.pathParameter("room");
        WhipSession session = sessions.get(request.pathParameter("session"));
        if (session == null || !session.room().equals(roomName)) {
            throw HttpError.notFound("no such WHIP/WHEP session (it ended, or the URL is not one this server gave)");
        }
        session.hangup();
        log.info("Room {}: {} {} left (DELETE)", roomName, session.displayName(), session.id());
        return Response.text(200, "text/plain", "");
    }

    /** The bearer token must be the room's PIN when the room has one (compared in constant time). */
    private void checkToken(Request request, String roomName) {
        Optional<String> pin = server.roomPin().apply(roomName);
        if (pin.isEmpty()) {
            return;
        }
        String header = request.header("authorization").orElse("");
        String given = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), pin.get().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, given.isEmpty() ? "room '" + roomName + "' needs its PIN as the bearer token"
                    : "wrong token for room '" + roomName + "'");
        }
    }
}
