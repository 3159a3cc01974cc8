package dev.mcu.sdp;

import dev.mcu.media.Direction;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code a=extmap:<id>[/<direction>] <URI> [<extension attributes>]} (RFC 8285 §7): which local
 * identifier an RTP header extension travels under on this media line.
 *
 * @param direction  as written by the side that wrote the line; null when absent (sendrecv)
 * @param attributes extension attributes after the URI (e.g. RFC 6464's {@code vad=on}), or null
 */
public record Extmap(int id, Direction direction, String uri, String attributes) {
    /** Highest id of the two-byte form (RFC 8285 §4.3); the one-byte form stops at 14. */
    public static final int MAX_ID = 255;

    /** Parses an attribute value such as {@code 1 urn:ietf:params:rtp-hdrext:ssrc-audio-level}. */
    public static Optional<Extmap> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] f = value.trim().split("\\s+", 3);
        if (f.length < 2) {
            return Optional.empty();
        }
        String idText = f[0];
        Direction direction = null;
        int slash = idText.indexOf('/');
        if (slash >= 0) {
            direction = directionOf(idText.substring(slash + 1));
            if (direction == null) {
                return Optional.empty();
            }
            idText = idText.substring(0, slash);
        }
        int id;
        try {
            id = Integer.parseInt(idText);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (id < 1 || id > MAX_ID) {
            return Optional.empty();
        }
        return Optional.of(new Extmap(id, direction, f[1], f.length > 2 ? f[2] : null));
    }

    private static Direction directionOf(String text) {
        for (Direction d : Direction.values()) {
            if (d.attribute().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }

    /** The first extmap of a media line naming {@code uri}. */
    public static Optional<Extmap> find(MediaDescription m, String uri) {
        for (String v : m.attributes().values("extmap")) {
            Optional<Extmap> e = parse(v).filter(x -> x.uri().equalsIgnoreCase(uri));
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    /** Whether the side that wrote this line will send the extension (sendrecv when unstated). */
    public boolean writerSends() {
        return direction == null || direction.sends();
    }

    /**
     * Our answer to an offered extension we only receive (RFC 8285 §6): the same id, "recvonly"
     * where the offer said "sendonly", no direction where it said nothing, and no extension
     * attributes (we act on none).
     */
    public Extmap answerForReceiving() {
        return new Extmap(id, direction == Direction.SENDONLY ? Direction.RECVONLY : null, uri, null);
    }

    /** Whether the side that wrote this line will take the extension from us (sendrecv when unstated). */
    public boolean writerReceives() {
        return direction == null || direction.receives();
    }

    /**
     * Our answer to an offered extension we only send: the same id, "sendonly" where the offer said
     * "recvonly", no direction where it said nothing, no extension attributes.
     */
    public Extmap answerForSending() {
        return new Extmap(id, direction == Direction.RECVONLY ? Direction.SENDONLY : null, uri, null);
    }

    public String value() {
        return id + (direction == null ? "" : "/" + direction.attribute()) + " " + uri
                + (attributes == null ? "" : " " + attributes);
    }
}
