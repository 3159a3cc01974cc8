package dev.mcu.app.api;

import java.util.Locale;
import java.util.Optional;

/** What a participant may do: hosts steer the room, speakers are seen and heard, attendees watch. */
public enum Role {
    HOST, SPEAKER, ATTENDEE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        for (Role role : values()) {
            if (role.wireName().equals(text)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
