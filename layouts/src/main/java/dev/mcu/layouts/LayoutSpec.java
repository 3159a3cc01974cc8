package dev.mcu.layouts;

import java.util.List;
import java.util.Objects;

/**
 * What the room asked for: a layout kind and, for the kinds that have one, the participant in focus.
 * A focus that is null or not among the participants falls back to the first participant.
 */
public record LayoutSpec(LayoutKind kind, String focusId, List<RelativeTile> customTiles) {
    public LayoutSpec {
        Objects.requireNonNull(kind, "kind");
        customTiles = List.copyOf(customTiles);
        if (kind == LayoutKind.CUSTOM && customTiles.isEmpty()) {
            throw new IllegalArgumentException("a custom layout needs at least one tile");
        }
    }

    public LayoutSpec(LayoutKind kind, String focusId) {
        this(kind, focusId, List.of());
    }

    /** Tiles in drawing order (later on top); participants fill them focus first, then in order. */
    public static LayoutSpec custom(List<RelativeTile> tiles) {
        return new LayoutSpec(LayoutKind.CUSTOM, null, tiles);
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
        return new LayoutSpec(kind, newFocusId, customTiles);
    }
}
