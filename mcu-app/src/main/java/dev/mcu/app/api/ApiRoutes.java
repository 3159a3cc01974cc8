package dev.mcu.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.events.EventBus;
import dev.mcu.app.http.EventStream;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Json;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Response;
import dev.mcu.app.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The REST API under {@code /api/v1}, the event stream and the health checks, against a
 * {@link ConferenceControl}. Every answer is JSON; refusals are {@code {"error": "..."}}.
 *
 * <p>Threads: handlers run on HTTP worker threads; event streams are fed on the publishing thread
 * and pinged from the given scheduler.
 */
public final class ApiRoutes {
    /** An idle event stream gets a comment line this often, so proxies keep it open. */
    static final long STREAM_PING_SECONDS = 15;
    private static final int MAX_NAME_LENGTH = 128;

    private final ConferenceControl control;
    private final Auth auth;
    private final EventBus events;
    private final Lifecycle lifecycle;
    private final ScheduledExecutorService pinger;   // borrowed

    public ApiRoutes(ConferenceControl control, Auth auth, EventBus events, Lifecycle lifecycle,
                     ScheduledExecutorService pinger) {
        this.control = control;
        this.auth = auth;
        this.events = events;
        this.lifecycle = lifecycle;
        this.pinger = pinger;
    }

    public void addTo(Router router) {
        byte[] openApi = openApiDocument();
        router.get("/healthz", r -> Response.json(Map.of("status", "alive")));
        router.get("/readyz", r -> lifecycle.draining()
                ? Response.json(503, Map.of("status", "draining", "calls", lifecycle.calls())).withHeader("Retry-After", "30")
                : Response.json(Map.of("status", "ready", "calls", lifecycle.calls())));
        router.get("/api/v1/openapi.json", r -> Response.bytes("application/json", openApi));
        router.get("/api/v1/lobby/{room}", this::lobby);
        router.get("/api/v1/rooms", r -> {
            Auth.requireAdmin(auth.authenticate(r, false));
            return Response.json(control.rooms());
        });
        router.get("/api/v1/rooms/{room}", r -> {
            String room = room(r);
            Auth.requireRoom(auth.authenticate(r, false), room);
            return Response.json(control.room(room).orElseThrow(() -> noRoom(room)));
        });
        router.delete("/api/v1/rooms/{room}", r -> {
            String room = room(r);
            Auth.requireHost(auth.authenticate(r, false), room);
            return done(control.end(room), room, null);
        });
        router.get("/api/v1/rooms/{room}/participants", r -> {
            String room = room(r);
            Auth.requireRoom(auth.authenticate(r, false), room);
            return Response.json(control.participants(room).orElseThrow(() -> noRoom(room)));
        });
        router.delete("/api/v1/rooms/{room}/participants/{id}", r -> {
            String room = room(r);
            String id = r.pathParameter("id");
            Auth.requireHost(auth.authenticate(r, false), room);
            return done(control.kick(room, id), room, id);
        });
        router.post("/api/v1/rooms/{room}/participants/{id}/mute", this::mute);
        router.post("/api/v1/rooms/{room}/participants/{id}/hand", this::hand);
        router.post("/api/v1/rooms/{room}/participants/{id}/role", this::role);
        router.put("/api/v1/rooms/{room}/layout", this::layout);
        router.post("/api/v1/rooms/{room}/lock", r -> lock(r, true));
        router.delete("/api/v1/rooms/{room}/lock", r -> lock(r, false));
        router.post("/api/v1/drain", r -> {
            Auth.requireAdmin(auth.authenticate(r, false));
            lifecycle.drain();
            return Response.json(202, Map.of("draining", true, "calls", lifecycle.calls()));
        });
        router.get("/api/v1/events", this::events);
    }

    private Response lobby(Request r) {
        String room = room(r);
        return Response.json(control.lobby(room).orElseThrow(() -> noRoom(room)));
    }

    private Response mute(Request r) {
        String room = room(r);
        String id = r.pathParameter("id");
        Auth.requireSelfOrHost(auth.authenticate(r, false), room, id);
        JsonNode body = r.jsonBody();
        Request.requireOnlyKeys(body, List.of("audio", "video"));
        Boolean audio = optionalBoolean(body, "audio");
        Boolean video = optionalBoolean(body, "video");
        if (audio == null && video == null) {
            throw HttpError.badRequest("say what to mute: {\"audio\": true} and/or {\"video\": true}");
        }
        return done(control.mute(room, id, audio, video), room, id);
    }

    private Response hand(Request r) {
        String room = room(r);
        String id = r.pathParameter("id");
        Auth.requireSelfOrHost(auth.authenticate(r, false), room, id);
        JsonNode body = r.jsonBody();
        Request.requireOnlyKeys(body, List.of("raised"));
        Boolean raised = optionalBoolean(body, "raised");
        if (raised == null) {
            throw HttpError.badRequest("send {\"raised\": true} or {\"raised\": false}");
        }
        return done(control.raiseHand(room, id, raised), room, id);
    }

    private Response role(Request r) {
        String room = room(r);
        String id = r.pathParameter("id");
        Auth.requireHost(auth.authenticate(r, false), room);
        JsonNode body = r.jsonBody();
        Request.requireOnlyKeys(body, List.of("role"));
        String text = body.path("role").asText("");
        Role role = Role.parse(text).orElseThrow(() -> HttpError.badRequest(
                "'role' must be host, speaker or attendee, got '" + text + "'"));
        return done(control.setRole(room, id, role), room, id);
    }

    private Response layout(Request r) {
        String room = room(r);
        Auth.requireHost(auth.authenticate(r, false), room);
        JsonNode body = r.jsonBody();
        Request.requireOnlyKeys(body, List.of("kind", "focus"));
        String text = body.path("kind").asText("");
        LayoutChoice kind = LayoutChoice.parse(text).orElseThrow(() -> HttpError.badRequest(
                "'kind' must be grid, speaker, presenter, pip or custom, got '" + text + "'"));
        JsonNode focusNode = body.get("focus");
        if (focusNode != null && !focusNode.isNull() && !focusNode.isTextual()) {
            throw HttpError.badRequest("'focus' must be a participant id (a string) or null");
        }
        String focus = focusNode == null || focusNode.isNull() || focusNode.asText().isEmpty() ? null : focusNode.asText();
        return done(control.setLayout(room, kind, focus), room, focus);
    }

    private Response lock(Request r, boolean locked) {
        String room = room(r);
        Auth.requireHost(auth.authenticate(r, false), room);
        return done(control.lock(room, locked), room, null);
    }

    private Response events(Request r) {
        Auth.Caller caller = auth.authenticate(r, true);
        Optional<String> room = r.queryParameter("room");
        if (caller instanceof Auth.Member m) {
            if (room.isEmpty()) {
                throw new HttpError(403, "a room token reads the events of its room only: add ?room=" + m.room());
            }
            Auth.requireRoom(caller, room.get());
        }
        return Response.eventStream(stream -> {
            AutoCloseable subscription = events.subscribe(event -> {
                if (room.isEmpty() || room.get().equals(event.room())) {
                    stream.send(event.type(), Json.text(event.body()));
                }
            });
            var ping = pinger.scheduleWithFixedDelay(stream::keepAlive, STREAM_PING_SECONDS, STREAM_PING_SECONDS,
                    TimeUnit.SECONDS);
            stream.onClose(() -> {
                ping.cancel(false);
                try {
                    subscription.close();
                } catch (Exception ignored) {
                    // removing from a list cannot fail
                }
            });
            stream.send("hello", Json.text(Map.of("type", "hello", "room", room.orElse(""))));
        }).withHeader("X-Accel-Buffering", "no");
    }

    private static Response done(ConferenceControl.Result result, String room, String participant) {
        return switch (result) {
            case DONE -> Response.noContent();
            case NO_SUCH_ROOM -> throw noRoom(room);
            case NO_SUCH_PARTICIPANT -> throw HttpError.notFound("no participant '" + participant + "' in room '" + room + "'");
        };
    }

    private static HttpError noRoom(String room) {
        return HttpError.notFound("No room named '" + room + "' on this server");
    }

    private static String room(Request r) {
        String room = r.pathParameter("room");
        if (room.length() > MAX_NAME_LENGTH) {
            throw HttpError.badRequest("a room name has at most " + MAX_NAME_LENGTH + " characters");
        }
        return room;
    }

    private static Boolean optionalBoolean(JsonNode body, String key) {
        JsonNode value = body.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw HttpError.badRequest("'" + key + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static byte[] openApiDocument() {
        try (InputStream in = ApiRoutes.class.getResourceAsStream("/api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.json is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
