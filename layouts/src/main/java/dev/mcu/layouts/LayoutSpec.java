package dev.mcu.layouts;

import java.util.Objects;

/**
 * What the room asked for: a layout kind and, for the kinds that have one, the participant in focus.
 * A focus that is null or not among the participants falls back to the first participant.
 */
public record LayoutSpec(LayoutKind kind, String focusId) {
    public LayoutSpec {
        Objects.requireNonNull(kind, "kind");
    }

    public static LayoutSpec grid() {
        return new LayoutSpec(LayoutKind.GRID, null);
    }

    public static LayoutSpec speaker(String focusId) {
        return new LayoutSpec(LayoutKind.SPEAKER, focusId);
    }

    public static LayoutSpec presenter(String focusId) {
        return new LayoutSpec(LayoutKind.PRESENTER, focusId);
    }

    public static LayoutSpec pictureInPicture(String focusId) {
        return new LayoutSpec(LayoutKind.PICTURE_IN_PICTURE, focusId);
    }

    public LayoutSpec withFocus(String newFocusId) {
        return new LayoutSpec(kind, newFocusId);
    }
}
