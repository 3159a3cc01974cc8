package dev.mcu.app.api;

import java.util.Optional;

/** The layouts an operator may pick through the API, by their names on the wire. */
public enum LayoutChoice {
    GRID("grid"), SPEAKER("speaker"), PRESENTER("presenter"), PIP("pip"), CUSTOM("custom");

    private final String wireName;

    LayoutChoice(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<LayoutChoice> parse(String text) {
        for (LayoutChoice choice : values()) {
            if (choice.wireName.equals(text)) {
                return Optional.of(choice);
            }
        }
        return Optional.empty();
    }
}
