package dev.mcu.layouts;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayoutTest {
    @Test
    void theSameLayoutComputedTwiceIsEqualSoNoChangeIsSeen() {
        List<String> ids = List.of("a", "b", "c");
        Layout first = Layouts.compute(LayoutSpec.grid(), 1280, 720, ids);
        Layout second = Layouts.compute(LayoutSpec.grid(), 1280, 720, List.copyOf(ids));
        assertEquals(first, second);
        assertEquals(first.hashCode(), second.hashCode());
    }

    @Test
    void aNewFocusIsAChange() {
        List<String> ids = List.of("a", "b", "c");
        assertNotEquals(Layouts.compute(LayoutSpec.speaker("a"), 1280, 720, ids),
                Layouts.compute(LayoutSpec.speaker("b"), 1280, 720, ids));
    }

    @Test
    void theSameTilesInAnotherDrawingOrderAreAChange() {
        Tile big = new Tile(0, 0, 640, 360);
        Tile small = new Tile(100, 100, 64, 36);
        Map<String, Tile> oneWay = new LinkedHashMap<>();
        oneWay.put("a", big);
        oneWay.put("b", small);
        Map<String, Tile> otherWay = new LinkedHashMap<>();
        otherWay.put("b", small);
        otherWay.put("a", big);
        assertNotEquals(new Layout(640, 360, oneWay), new Layout(640, 360, otherWay));
    }

    @Test
    void theTilesCannotBeModified() {
        Layout layout = Layouts.compute(LayoutSpec.grid(), 1280, 720, List.of("a"));
        assertThrows(UnsupportedOperationException.class, () -> layout.tiles().put("b", new Tile(0, 0, 2, 2)));
    }

    @Test
    void oddTileEdgesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Tile(1, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Tile(0, 0, 2, 3));
    }

    @Test
    void aTileOutsideTheCanvasIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Layout(100, 100, Map.of("a", new Tile(90, 0, 20, 20))));
    }
}
