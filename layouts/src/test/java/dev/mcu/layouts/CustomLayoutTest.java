package dev.mcu.layouts;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CustomLayoutTest {
    private static final LayoutSpec TWO_THIRDS_AND_COLUMN = LayoutSpec.custom(List.of(
            new RelativeTile(0, 0, 2.0 / 3, 1),
            new RelativeTile(2.0 / 3, 0, 1.0 / 3, 0.5),
            new RelativeTile(2.0 / 3, 0.5, 1.0 / 3, 0.5)));

    @Test
    void relativeTilesBecomeEvenPixelRectanglesOnAnyCanvas() {
        Layout layout = Layouts.compute(TWO_THIRDS_AND_COLUMN, 1280, 720, List.of("a", "b", "c"));
        assertEquals(new Tile(0, 0, 852, 720), layout.tileOf("a"));
        assertEquals(new Tile(852, 0, 428, 360), layout.tileOf("b"));
        assertEquals(new Tile(852, 360, 428, 360), layout.tileOf("c"));

        Layout odd = Layouts.compute(TWO_THIRDS_AND_COLUMN, 641, 359, List.of("a", "b", "c"));
        for (Tile tile : odd.tiles().values()) {
            assertEquals(0, tile.x() % 2);
            assertEquals(0, tile.y() % 2);
            assertEquals(0, tile.width() % 2);
            assertEquals(0, tile.height() % 2);
        }
    }

    @Test
    void theFocusTakesTheFirstTileAndWhoeverDoesNotFitHasNone() {
        Layout layout = Layouts.compute(TWO_THIRDS_AND_COLUMN.withFocus("d"), 1280, 720, List.of("a", "b", "c", "d"));
        assertEquals(new Tile(0, 0, 852, 720), layout.tileOf("d"));
        assertFalse(layout.isVisible("c"));
    }

    @Test
    void aTileOutsideTheCanvasIsRefusedWithItsNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RelativeTile(0.5, 0, 0.6, 1));
        assertEquals(true, e.getMessage().contains("width=0.6"));
    }
}
