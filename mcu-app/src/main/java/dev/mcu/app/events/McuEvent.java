package dev.mcu.app.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened in a room, as SSE readers and webhooks receive it: {@code type},
 * {@code room}, {@code at} (ISO-8601), {@code participant} when it concerns one, then the
 * type's own fields (e.g. {@code reason} of participant.left).
 *
 * @param participant null when the event concerns the whole room
 * @param fields      the type's own fields, in order
 */
public record McuEvent(String type, String room, String participant, Instant at, Map<String, Object> fields) {

    public static McuEvent of(String type, String room, String participant, Map<String, Object> fields) {
        return new McuEvent(type, room, participant, Instant.now(), Map.copyOf(fields));
    }

    public static McuEvent of(String type, String room) {
        return of(type, room, null, Map.of());
    }

    /** The JSON object of {@code data:} and of a webhook's body. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("room", room);
        body.put("at", at.toString());
        if (participant != null) {
            body.put("participant", participant);
        }
        fields.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> body.put(e.getKey(), e.getValue()));
        return body;
    }
}
