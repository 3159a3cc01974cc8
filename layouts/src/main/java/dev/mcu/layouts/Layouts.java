package dev.mcu.layouts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes tile rectangles: pure geometry, called by the room when its participants, focus or
 * layout kind change (never per frame). Thread-safe: no state.
 *
 * <p>All tiles have even origins and sizes and lie inside the canvas; for an odd canvas size the
 * last column or row stays unused (black). Participants that do not fit the chosen layout are
 * simply absent from the result, so the caller knows not to decode their video.
 */
public final class Layouts {
    /** Thumbnails in the speaker layout's filmstrip. */
    public static final int FILMSTRIP_MAX = 7;
    /** The grid stops growing here (10x10); more participants are not shown. */
    public static final int GRID_MAX = 100;
    /** Presenter thumbnails are this fraction of the canvas width. */
    private static final int PRESENTER_COLUMN_DIVISOR = 5;
    /** The picture-in-picture inset is this fraction of the canvas in each direction. */
    private static final int PIP_DIVISOR = 4;
    /** Gap between the inset and the canvas edge, as a fraction of the shorter canvas side. */
    private static final int PIP_MARGIN_DIVISOR = 32;

    private Layouts() {
    }

    /**
     * @param participantIds candidates in priority order (e.g. join order or by recent speech);
     *                       duplicates are ignored
     */
    public static Layout compute(LayoutSpec spec, int canvasWidth, int canvasHeight, List<String> participantIds) {
        Objects.requireNonNull(spec, "spec");
        if (canvasWidth <= 0 || canvasHeight <= 0) {
            throw new IllegalArgumentException("canvas size must be positive: " + canvasWidth + "x" + canvasHeight);
        }
        List<String> ids = distinct(participantIds);
        Map<String, Tile> tiles = new LinkedHashMap<>();
        if (!ids.isEmpty() && canvasWidth >= 2 && canvasHeight >= 2) {
            switch (spec.kind()) {
                case GRID -> grid(tiles, canvasWidth, canvasHeight, ids);
                case SPEAKER -> speaker(tiles, canvasWidth, canvasHeight, focusFirst(spec, ids));
                case PRESENTER -> presenter(tiles, canvasWidth, canvasHeight, focusFirst(spec, ids));
                case PICTURE_IN_PICTURE -> pictureInPicture(tiles, canvasWidth, canvasHeight, focusFirst(spec, ids));
                case CUSTOM -> custom(tiles, canvasWidth, canvasHeight, spec.customTiles(), focusFirst(spec, ids));
            }
        }
        return new Layout(canvasWidth, canvasHeight, tiles);
    }

    private static void custom(Map<String, Tile> tiles, int canvasWidth, int canvasHeight, List<RelativeTile> rects,
                               List<String> ids) {
        for (int i = 0; i < ids.size() && i < rects.size(); i++) {
            Tile tile = rects.get(i).toTile(canvasWidth, canvasHeight);
            if (tile != null) {
                tiles.put(ids.get(i), tile);
            }
        }
    }

    /** Columns of the grid for {@code count} participants: 1, 2, 2, 2, 3.., 4.., then ceil(sqrt). */
    static int gridColumns(int count) {
        if (count <= 1) {
            return 1;
        }
        if (count <= 4) {
            return 2;
        }
        if (count <= 9) {
            return 3;
        }
        if (count <= 16) {
            return 4;
        }
        return (int) Math.ceil(Math.sqrt(count));
    }

    /** Rows of cells the canvas is divided into; unused rows leave the used block centred vertically. */
    static int gridRows(int count) {
        if (count <= 2) {
            return 1;
        }
        if (count <= 16) {
            return gridColumns(count);
        }
        int columns = gridColumns(count);
        return (count + columns - 1) / columns;
    }

    private static void grid(Map<String, Tile> tiles, int width, int height, List<String> ids) {
        int count = Math.min(ids.size(), GRID_MAX);
        while (count > 0 && (width / gridColumns(count) < 2 || height / gridRows(count) < 2)) {
            count--; // a canvas too small for that many cells: show fewer
        }
        if (count == 0) {
            return;
        }
        int columns = gridColumns(count);
        int cellWidth = even(width / columns);
        int cellHeight = even(height / gridRows(count));
        int usedRows = (count + columns - 1) / columns;
        int top = even((height - usedRows * cellHeight) / 2);
        for (int i = 0; i < count; i++) {
            int row = i / columns;
            int column = i % columns;
            int inThisRow = Math.min(columns, count - row * columns);
            int left = even((width - inThisRow * cellWidth) / 2); // centres a last row that is not full
            tiles.put(ids.get(i), new Tile(left + column * cellWidth, top + row * cellHeight, cellWidth, cellHeight));
        }
    }

    private static void speaker(Map<String, Tile> tiles, int width, int height, List<String> ids) {
        int thumbWidth = even(width / FILMSTRIP_MAX);
        int thumbHeight = even(thumbWidth * height / width); // same shape as the canvas
        int others = Math.min(ids.size() - 1, FILMSTRIP_MAX);
        if (others == 0 || thumbWidth < 2 || thumbHeight < 2 || even(height) - thumbHeight < 2) {
            tiles.put(ids.get(0), full(width, height));
            return;
        }
        int stripTop = even(height) - thumbHeight;
        tiles.put(ids.get(0), new Tile(0, 0, even(width), stripTop));
        int left = even((width - others * thumbWidth) / 2);
        for (int i = 0; i < others; i++) {
            tiles.put(ids.get(i + 1), new Tile(left + i * thumbWidth, stripTop, thumbWidth, thumbHeight));
        }
    }

    private static void presenter(Map<String, Tile> tiles, int width, int height, List<String> ids) {
        int thumbWidth = even(width / PRESENTER_COLUMN_DIVISOR);
        int thumbHeight = even(thumbWidth * height / width);
        int fitting = thumbHeight < 2 ? 0 : height / thumbHeight;
        int others = Math.min(ids.size() - 1, fitting);
        if (others == 0 || thumbWidth < 2 || even(width) - thumbWidth < 2) {
            tiles.put(ids.get(0), full(width, height));
            return;
        }
        int columnLeft = even(width) - thumbWidth;
        tiles.put(ids.get(0), new Tile(0, 0, columnLeft, even(height)));
        int top = even((height - others * thumbHeight) / 2);
        for (int i = 0; i < others; i++) {
            tiles.put(ids.get(i + 1), new Tile(columnLeft, top + i * thumbHeight, thumbWidth, thumbHeight));
        }
    }

    private static void pictureInPicture(Map<String, Tile> tiles, int width, int height, List<String> ids) {
        tiles.put(ids.get(0), full(width, height));
        int insetWidth = even(width / PIP_DIVISOR);
        int insetHeight = even(height / PIP_DIVISOR);
        if (ids.size() < 2 || insetWidth < 2 || insetHeight < 2) {
            return;
        }
        int margin = even(Math.min(width, height) / PIP_MARGIN_DIVISOR);
        tiles.put(ids.get(1), new Tile(even(width) - insetWidth - margin, even(height) - insetHeight - margin,
                insetWidth, insetHeight));
    }

    private static Tile full(int width, int height) {
        return new Tile(0, 0, even(width), even(height));
    }

    /** The ids with the focus moved to the front; a focus not among them leaves the order as is. */
    private static List<String> focusFirst(LayoutSpec spec, List<String> ids) {
        String focus = spec.focusId();
        if (focus == null || !ids.contains(focus) || ids.get(0).equals(focus)) {
            return ids;
        }
        List<String> ordered = new ArrayList<>(ids.size());
        ordered.add(focus);
        for (String id : ids) {
            if (!id.equals(focus)) {
                ordered.add(id);
            }
        }
        return ordered;
    }

    private static List<String> distinct(List<String> ids) {
        LinkedHashSet<String> set = new LinkedHashSet<>(ids.size());
        for (String id : ids) {
            set.add(Objects.requireNonNull(id, "participant id"));
        }
        return new ArrayList<>(set);
    }

    private static int even(int value) {
        return value & ~1;
    }
}
