package dev.mcu.mixer;

import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a participant reads on the composite: each name in its tile's bottom-left corner, nothing else touched. */
class NameLabelsTest {
    private static final int GREEN_Y = 145;
    private static final int GREEN_U = 54;
    private static final int GREEN_V = 34;

    private static I420Frame green() {
        return I420Frame.solid(1280, 720, GREEN_Y, GREEN_U, GREEN_V);
    }

    private static Layout grid(String... ids) {
        return Layouts.compute(new LayoutSpec(LayoutKind.GRID, null, List.of()), 1280, 720, List.of(ids));
    }

    /** Pixels in the tile's bottom-left quarter-width, bottom-fifth strip that look like text (bright) and box (dark). */
    private static int[] textAndBox(I420Frame frame, Tile tile) {
        int text = 0;
        int box = 0;
        for (int y = tile.bottom() - tile.height() / 5; y < tile.bottom(); y++) {
            for (int x = tile.x(); x < tile.x() + tile.width() / 2; x++) {
                int luma = frame.lumaAt(x, y);
                if (luma > 200) {
                    text++;
                } else if (luma < 80) {
                    box++;
                }
            }
        }
        return new int[] {text, box};
    }

    @Test
    void eachTileShowsItsNameAndTheRestOfThePictureIsUntouched() {
        I420Frame canvas = green();
        Layout layout = grid("a", "b", "c", "d");
        new NameLabels().draw(canvas, layout, Map.of("a", "Alice", "b", "Bob", "c", "Carol Danvers-Smith"));

        for (String id : List.of("a", "b", "c")) {
            int[] seen = textAndBox(canvas, layout.tileOf(id));
            assertTrue(seen[0] > 40, id + ": white text pixels in the label, saw " + seen[0]);
            assertTrue(seen[1] > 200, id + ": dark box pixels behind the text, saw " + seen[1]);
        }
        int[] unnamed = textAndBox(canvas, layout.tileOf("d"));
        assertEquals(0, unnamed[0] + unnamed[1], "a participant without a name gets no label");
        for (Tile tile : layout.tiles().values()) {
            int x = tile.x() + tile.width() / 2;
            int y = tile.y() + tile.height() / 2;
            assertEquals(GREEN_Y, canvas.lumaAt(x, y), "the middle of the tile keeps its picture");
            assertEquals(GREEN_U, canvas.uAt(x, y));
            assertEquals(GREEN_V, canvas.vAt(x, y));
            assertEquals(GREEN_Y, canvas.lumaAt(tile.right() - 2, tile.bottom() - 2), "the bottom-right corner too");
        }
        int longer = textAndBox(canvas, layout.tileOf("c"))[1] + textAndBox(canvas, layout.tileOf("c"))[0];
        int shorter = textAndBox(canvas, layout.tileOf("b"))[1] + textAndBox(canvas, layout.tileOf("b"))[0];
        assertTrue(longer > shorter, "a longer name makes a wider label");
    }

    @Test
    void aDifferentNameDrawsDifferentPixelsAndTheSameNameTheSame() {
        Layout layout = grid("a", "b");
        NameLabels labels = new NameLabels();
        I420Frame first = green();
        labels.draw(first, layout, Map.of("a", "Alice"));
        I420Frame again = green();
        labels.draw(again, layout, Map.of("a", "Alice"));
        assertArrayEquals(first.data(), again.data(), "a cached label blends the same every frame");
        I420Frame renamed = green();
        labels.draw(renamed, layout, Map.of("a", "Zed"));
        assertFalse(Arrays.equals(first.data(), renamed.data()), "a rename is drawn");
    }

    @Test
    void aLongOrHostileNameStaysInsideItsTile() {
        Layout layout = grid(ids(16));
        I420Frame canvas = green();
        String hostile = "\u0007\u001b[31m" + "W".repeat(5_000) + "\u202e";
        new NameLabels().draw(canvas, layout, Map.of("p0", hostile, "p5", hostile));
        Tile tile = layout.tileOf("p0");
        Tile right = layout.tileOf("p1");
        Tile below = layout.tileOf("p4");
        assertEquals(GREEN_Y, canvas.lumaAt(right.x() + 1, right.bottom() - 4), "the neighbour on the right is untouched");
        assertEquals(GREEN_Y, canvas.lumaAt(below.x() + 4, below.y() + 1), "the neighbour below is untouched");
        assertTrue(textAndBox(canvas, tile)[0] > 0, "the cut name is still drawn");
        assertTrue(NameLabels.shown(hostile).length() <= NameLabels.MAX_CHARACTERS);
        assertFalse(NameLabels.shown(hostile).chars().anyMatch(Character::isISOControl), "control characters dropped");
    }

    @Test
    void aLetterboxedPictureCarriesItsNameOnThePictureNotOnTheBars() {
        Layout layout = grid("a", "b");                    // two tall 640x720 tiles
        Tile tile = layout.tileOf("a");
        Tile picture = new Tile(tile.x(), tile.y() + 180, tile.width(), 360);
        I420Frame canvas = I420Frame.solid(1280, 720, 16, 128, 128);
        new NameLabels().draw(canvas, layout, Map.of("a", "Alice"), id -> id.equals("a") ? picture : null);
        int text = 0;
        for (int y = picture.y(); y < picture.bottom(); y++) {
            for (int x = picture.x(); x < picture.right(); x++) {
                text += canvas.lumaAt(x, y) > 200 ? 1 : 0;
            }
        }
        assertTrue(text > 40, "the name is inside the picture: " + text + " text pixels");
        for (int y = picture.bottom(); y < tile.bottom(); y++) {
            for (int x = tile.x(); x < tile.right(); x++) {
                assertEquals(16, canvas.lumaAt(x, y), "the bar below the picture stays black at " + x + "," + y);
            }
        }
    }

    @Test
    void tinyTilesGetNoLabel() {
        Layout layout = Layouts.compute(new LayoutSpec(LayoutKind.GRID, null, List.of()), 320, 180, List.of(ids(16)));
        Tile tile = layout.tileOf("p0");
        assertTrue(tile.width() < NameLabels.MIN_TILE_WIDTH, "a 4x4 grid on 320x180 has small tiles: " + tile);
        I420Frame canvas = I420Frame.solid(320, 180, GREEN_Y, GREEN_U, GREEN_V);
        new NameLabels().draw(canvas, layout, Map.of("p0", "Alice"));
        assertArrayEquals(I420Frame.solid(320, 180, GREEN_Y, GREEN_U, GREEN_V).data(), canvas.data());
    }

    private static String[] ids(int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = "p" + i;
        }
        return ids;
    }
}
