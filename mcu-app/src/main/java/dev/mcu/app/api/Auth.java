package dev.mcu.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcu.app.http.HttpError;
import dev.mcu.app.http.Json;
import dev.mcu.app.http.Request;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling the API. The admin token ({@code admin.token}) may do everything; a room token,
 * HMAC-SHA256-signed with a key derived from the admin token, names one room, one participant
 * and a role and is valid for that room only. No token: 401; a token that is not valid: 403.
 *
 * <p>Threads: immutable; any thread.
 */
public final class Auth {
    /** How long a room token is valid: longer than any meeting. */
    static final long ROOM_TOKEN_SECONDS = 24 * 3600;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** The caller behind a valid token. */
    public sealed interface Caller permits Admin, Member {
    }

    public record Admin() implements Caller {
    }

    /** Holder of a room token. */
    public record Member(String room, String participant, Role role) implements Caller {
    }

    private final byte[] adminToken;
    private final byte[] roomTokenKey;
    private final Clock clock;

    public Auth(String adminToken, Clock clock) {
        if (adminToken == null || adminToken.length() < 16) {
            throw new IllegalArgumentException("admin.token must be at least 16 characters");
        }
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.roomTokenKey = hmac(this.adminToken, "mcu room tokens v1".getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** A token for one participant of one room, e.g. for a browser's SIP 200 OK. */
    public String roomToken(String room, String participant, Role role) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("room", room);
        claims.put("participant", participant);
        claims.put("role", role.wireName());
        claims.put("exp", clock.instant().getEpochSecond() + ROOM_TOKEN_SECONDS);
        String payload = B64.encodeToString(Json.bytes(claims));
        return payload + "." + B64.encodeToString(hmac(roomTokenKey, payload.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * @param allowQueryToken also read {@code ?access_token=} (EventSource cannot send headers)
     * @throws HttpError 401 without a token, 403 with one that is neither the admin token nor a valid room token
     */
    public Caller authenticate(Request request, boolean allowQueryToken) {
        Optional<String> token = request.header("authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim());
        if (token.isEmpty() && allowQueryToken) {
            token = request.queryParameter("access_token");
        }
        if (token.isEmpty() || token.get().isEmpty()) {
            throw new HttpError(401, "this needs a token: send 'Authorization: Bearer <admin.token>'"
                    + " (the server logs where it keeps a generated one)");
        }
        return verify(token.get()).orElseThrow(() -> new HttpError(403, "the token is not valid on this server"));
    }

    /** The caller a token stands for, or empty when it is forged, expired or malformed. */
    public Optional<Caller> verify(String token) {
        if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), adminToken)) {
            return Optional.of(new Admin());
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, hmac(roomTokenKey, payload.getBytes(StandardCharsets.US_ASCII)))) {
            return Optional.empty();
        }
        try {
            JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(payload));
            if (claims.path("exp").asLong(0) < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            Optional<Role> role = Role.parse(claims.path("role").asText());
            return role.map(r -> new Member(claims.path("room").asText(), claims.path("participant").asText(), r));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** @throws HttpError 403 unless the caller is the admin */
    public static void requireAdmin(Caller caller) {
        if (!(caller instanceof Admin)) {
            throw new HttpError(403, "only the admin token may do this");
        }
    }

    /** @throws HttpError 403 unless the caller is the admin or holds a token of this room */
    public static void requireRoom(Caller caller, String room) {
        if (caller instanceof Member m && !m.room().equals(room)) {
            throw new HttpError(403, "this token is for room '" + m.room() + "', not '" + room + "'");
        }
    }

    /** @throws HttpError 403 unless the caller is the admin or a host of this room */
    public static void requireHost(Caller caller, String room) {
        requireRoom(caller, room);
        if (caller instanceof Member m && m.role() != Role.HOST) {
            throw new HttpError(403, "only a host of room '" + room + "' may do this");
        }
    }

    /** @throws HttpError 403 unless the caller is the admin, a host of this room, or this participant */
    public static void requireSelfOrHost(Caller caller, String room, String participant) {
        requireRoom(caller, room);
        if (caller instanceof Member m && m.role() != Role.HOST && !m.participant().equals(participant)) {
            throw new HttpError(403, "a participant may do this only for themselves; hosts for anybody");
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
