package dev.mcu.app.egress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Request;
import dev.mcu.app.http.Response;
import dev.mcu.app.http.Router;
import dev.mcu.egress.EgressStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The egress API ({@code POST/GET /api/v1/rooms/{room}/egress}, {@code DELETE .../egress/{id}}) and
 * the HLS files ({@code GET /hls/{room}/index.m3u8} and its segments, no token: players cannot send
 * one, like any HLS origin).
 *
 * <p>Threads: HTTP workers.
 */
public final class EgressRoutes {
    private static final Pattern HLS_FILE = Pattern.compile("index\\.m3u8|segment-\\d{5}\\.ts");
    private static final List<String> START_KEYS = List.of("kind", "url");

    /** Lets a request act on a room's egress (admin, or the room's host), or throws 401/403. */
    @FunctionalInterface
    public interface Guard {
        void requireHost(Request request, String room);
    }

    private final RoomEgresses egresses;
    private final Guard guard;

    public EgressRoutes(RoomEgresses egresses, Guard guard) {
        this.egresses = egresses;
        this.guard = guard;
    }

    public void addTo(Router router) {
        router.post("/api/v1/rooms/{room}/egress", this::start);
        router.get("/api/v1/rooms/{room}/egress", r -> {
            String room = r.pathParameter("room");
            guard.requireHost(r, room);
            return Response.json(egresses.list(room).stream().map(EgressRoutes::view).toList());
        });
        router.delete("/api/v1/rooms/{room}/egress/{id}", r -> {
            String room = r.pathParameter("room");
            guard.requireHost(r, room);
            String id = r.pathParameter("id");
            if (!egresses.stop(room, id)) {
                throw HttpError.notFound("room '" + room + "' has no egress '" + id + "'");
            }
            return Response.noContent();
        });
        router.get("/hls/{room}/{file}", this::hlsFile);
    }

    private Response start(Request request) {
        String room = request.pathParameter("room");
        guard.requireHost(request, room);
        JsonNode body = request.jsonBody();
        Request.requireOnlyKeys(body, START_KEYS);
        JsonNode kind = body.get("kind");
        JsonNode url = body.get("url");
        if (kind == null || !kind.isTextual()) {
            throw HttpError.badRequest("send {\"kind\": \"record|rtmp|srt|hls\", \"url\": \"...\"}");
        }
        if (url != null && !url.isTextual() && !url.isNull()) {
            throw HttpError.badRequest("\"url\" must be a string");
        }
        try {
            EgressStats started = egresses.start(room, kind.asText(), url == null || url.isNull() ? null : url.asText());
            return Response.json(201, view(started))
                    .withHeader("Location", "/api/v1/rooms/" + room + "/egress/" + started.id());
        } catch (RoomEgresses.NoSuchRoom e) {
            throw HttpError.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new HttpError(409, e.getMessage());
        }
    }

    private Response hlsFile(Request request) throws IOException {
        String room = request.pathParameter("room");
        String file = request.pathParameter("file");
        if (!HLS_FILE.matcher(file).matches() || room.contains("/") || room.startsWith(".")) {
            throw HttpError.notFound("no HLS file '" + file + "' (only index.m3u8 and its segments)");
        }
        Path path = egresses.hlsRoot().resolve(room).resolve(file);
        try {
            byte[] bytes = Files.readAllBytes(path);
            boolean playlist = file.endsWith(".m3u8");
            return Response.bytes(playlist ? "application/vnd.apple.mpegurl" : "video/mp2t", bytes)
                    .withHeader("Cache-Control", playlist ? "no-cache" : "max-age=60");
        } catch (NoSuchFileException e) {
            throw HttpError.notFound("room '" + room + "' has no HLS output running (start one with POST "
                    + "/api/v1/rooms/" + room + "/egress {\"kind\":\"hls\"})");
        }
    }

    /** What the API shows of an egress. */
    static Map<String, Object> view(EgressStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("kind", s.kind().apiName());
        out.put("destination", s.destination());
        out.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        out.put("packetsWritten", s.packetsWritten());
        out.put("bytesWritten", s.bytesWritten());
        out.put("dropped", s.droppedQueueFull() + s.droppedDisconnected());
        out.put("connects", s.connects());
        out.put("failures", s.failures());
        if (s.lastError() != null) {
            out.put("lastError", s.lastError());
        }
        return out;
    }
}
