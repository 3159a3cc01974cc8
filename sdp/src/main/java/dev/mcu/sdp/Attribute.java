package dev.mcu.sdp;

/**
 * One {@code a=} line: {@code a=name} (a property) or {@code a=name:value}. The value is kept exactly
 * as written, including leading spaces, so unknown attributes survive a round trip byte for byte.
 *
 * @param value null for a property attribute such as {@code a=rtcp-mux}
 */
public record Attribute(String name, String value) {
    public Attribute {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("attribute name is empty");
        }
    }

    public static Attribute property(String name) {
        return new Attribute(name, null);
    }

    static Attribute parse(String text) {
        int colon = text.indexOf(':');
        return colon < 0 ? new Attribute(text, null) : new Attribute(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return value == null ? name : name + ":" + value;
    }
}
