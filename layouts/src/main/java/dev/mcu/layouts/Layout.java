package dev.mcu.layouts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a layout computation: the canvas size and, in drawing order, the tile of every
 * visible participant. Later tiles are drawn over earlier ones (only picture-in-picture overlaps).
 * A participant that is not in the layout is not visible and need not be decoded.
 *
 * <p>Immutable. {@link #equals} compares canvas, ids, tiles and their order, so the compositor can
 * tell a changed layout from the same one recomputed.
 */
public final class Layout {
    private final int canvasWidth;
    private final int canvasHeight;
    private final Map<String, Tile> tiles;
    private final List<String> ids;
    private final List<Tile> tileList;

    /** @param tiles participant id to tile, in drawing order; copied. Every tile must fit the canvas. */
    public Layout(int canvasWidth, int canvasHeight, Map<String, Tile> tiles) {
        if (canvasWidth <= 0 || canvasHeight <= 0) {
            throw new IllegalArgumentException("canvas size must be positive: " + canvasWidth + "x" + canvasHeight);
        }
        LinkedHashMap<String, Tile> copy = new LinkedHashMap<>(tiles);
        for (Map.Entry<String, Tile> e : copy.entrySet()) {
            Objects.requireNonNull(e.getKey(), "participant id");
            if (!e.getValue().fitsIn(canvasWidth, canvasHeight)) {
                throw new IllegalArgumentException("tile " + e.getValue() + " of " + e.getKey()
                        + " leaves the " + canvasWidth + "x" + canvasHeight + " canvas");
            }
        }
        this.canvasWidth = canvasWidth;
        this.canvasHeight = canvasHeight;
        this.tiles = Collections.unmodifiableMap(copy);
        this.ids = List.copyOf(copy.keySet());
        this.tileList = List.copyOf(copy.values());
    }

    public static Layout empty(int canvasWidth, int canvasHeight) {
        return new Layout(canvasWidth, canvasHeight, Map.of());
    }

    public int canvasWidth() {
        return canvasWidth;
    }

    public int canvasHeight() {
        return canvasHeight;
    }

    /** Participant id to tile, in drawing order (unmodifiable). */
    public Map<String, Tile> tiles() {
        return tiles;
    }

    /** The visible participants, in drawing order. */
    public List<String> participantIds() {
        return ids;
    }

    /** The i-th tile in drawing order; pairs with {@code participantIds().get(i)}. */
    public Tile tileAt(int index) {
        return tileList.get(index);
    }

    /** The participant's tile, or null when it is not visible. */
    public Tile tileOf(String participantId) {
        return tiles.get(participantId);
    }

    public boolean isVisible(String participantId) {
        return tiles.containsKey(participantId);
    }

    public int size() {
        return ids.size();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Layout other
                && canvasWidth == other.canvasWidth
                && canvasHeight == other.canvasHeight
                && ids.equals(other.ids)
                && tileList.equals(other.tileList);
    }

    @Override
    public int hashCode() {
        return Objects.hash(canvasWidth, canvasHeight, ids, tileList);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Tile t = tileList.get(i);
            parts.add(ids.get(i) + "=" + t.width() + "x" + t.height() + "@" + t.x() + "," + t.y());
        }
        return "Layout[" + canvasWidth + "x" + canvasHeight + " " + parts + "]";
    }
}
