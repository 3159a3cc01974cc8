package dev.mcu.app.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a handler answers: a complete body, or (for Server-Sent Events) a stream that stays open
 * and is fed through an {@link EventStream}.
 *
 * @param streamOpened for a streaming answer, told the open stream once the headers are sent; null otherwise
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers,
                       Consumer<EventStream> streamOpened) {

    public static Response json(int status, Object value) {
        return new Response(status, "application/json", Json.bytes(value), Map.of(), null);
    }

    public static Response json(Object value) {
        return json(200, value);
    }

    public static Response noContent() {
        return new Response(204, null, new byte[0], Map.of(), null);
    }

    public static Response bytes(String contentType, byte[] body) {
        return new Response(200, contentType, body, Map.of(), null);
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    public static Response error(int status, String message) {
        return new Response(status, "application/json", Json.error(message), Map.of(), null);
    }

    /** A {@code text/event-stream} answer; {@code opened} gets the stream after the headers went out. */
    public static Response eventStream(Consumer<EventStream> opened) {
        return new Response(200, "text/event-stream", new byte[0], Map.of(), opened);
    }

    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(more), streamOpened);
    }
}
