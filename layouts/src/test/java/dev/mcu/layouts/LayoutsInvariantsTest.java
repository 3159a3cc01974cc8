package dev.mcu.layouts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweeps kinds x counts x canvas sizes (odd ones included) and checks what every layout must hold. */
class LayoutsInvariantsTest {
    static Stream<Arguments> sweep() {
        int[][] canvases = {{1280, 720}, {1920, 1080}, {641, 359}, {640, 480}, {321, 241}, {176, 144}, {17, 13}};
        List<Arguments> all = new ArrayList<>();
        for (LayoutKind kind : LayoutKind.values()) {
            if (kind == LayoutKind.CUSTOM) {
                continue; // needs tiles from a file: CustomLayoutTest
            }
            for (int[] canvas : canvases) {
                all.add(Arguments.of(kind, canvas[0], canvas[1]));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} on {1}x{2}")
    @MethodSource("sweep")
    void tilesAreEvenInsideTheCanvasAndDoNotOverlap(LayoutKind kind, int width, int height) {
        for (int count = 0; count <= 40; count++) {
            Layout layout = Layouts.compute(new LayoutSpec(kind, "p1"), width, height, LayoutsGeometryTest.ids(count));
            List<Tile> tiles = LayoutsGeometryTest.tilesInOrder(layout);
            for (Tile t : tiles) {
                assertTrue(t.x() >= 0 && t.y() >= 0 && t.right() <= width && t.bottom() <= height,
                        () -> t + " leaves the canvas in " + layout);
                assertEquals(0, (t.x() | t.y() | t.width() | t.height()) & 1, () -> t + " is not even in " + layout);
            }
            // picture-in-picture overlaps by design: the inset is drawn over the focus
            if (kind != LayoutKind.PICTURE_IN_PICTURE) {
                for (int i = 0; i < tiles.size(); i++) {
                    for (int j = i + 1; j < tiles.size(); j++) {
                        assertFalse(tiles.get(i).intersects(tiles.get(j)),
                                "tiles " + i + " and " + j + " overlap in " + layout);
                    }
                }
            } else if (tiles.size() == 2) {
                Tile focus = tiles.get(0);
                Tile inset = tiles.get(1);
                assertTrue(inset.x() >= focus.x() && inset.right() <= focus.right()
                        && inset.y() >= focus.y() && inset.bottom() <= focus.bottom(), layout::toString);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}x{2}")
    @MethodSource("sweep")
    void aReasonableCanvasShowsAsManyAsTheKindAllows(LayoutKind kind, int width, int height) {
        if (width < 176) {
            return; // tiny canvases may show fewer; covered by the test above
        }
        for (int count = 0; count <= 40; count++) {
            Layout layout = Layouts.compute(new LayoutSpec(kind, null), width, height, LayoutsGeometryTest.ids(count));
            int expected = switch (kind) {
                case GRID -> count;
                case SPEAKER -> Math.min(count, 1 + Layouts.FILMSTRIP_MAX);
                case PRESENTER -> Math.min(count, 6);
                case PICTURE_IN_PICTURE -> Math.min(count, 2);
                case CUSTOM -> throw new AssertionError("not swept");
            };
            assertEquals(expected, layout.size(), layout::toString);
        }
    }
}
