package dev.mcu.mixer;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoCompositorTest {
    /** BT.601 limited-range colours with distinct Y, U and V. */
    record Yuv(int y, int u, int v) {
        I420Frame frame(int width, int height) {
            return I420Frame.solid(width, height, y, u, v);
        }
    }

    static final Yuv RED = new Yuv(81, 90, 240);
    static final Yuv GREEN = new Yuv(145, 54, 34);
    static final Yuv BLUE = new Yuv(41, 240, 110);
    static final Yuv YELLOW = new Yuv(210, 16, 146);
    static final Yuv WHITE = new Yuv(235, 128, 128);
    static final Yuv BLACK = new Yuv(16, 128, 128);
    static final Yuv HIGHLIGHT = new Yuv(VideoCompositor.HIGHLIGHT_Y, VideoCompositor.HIGHLIGHT_U, VideoCompositor.HIGHLIGHT_V);

    private final VideoCompositor compositor = new VideoCompositor(1280, 720);

    @AfterEach
    void close() {
        compositor.close();
    }

    @Test
    void fourSourcesOfDifferentSizesFillTheirGridTilesUpToTheEdges() {
        Layout grid = grid("a", "b", "c", "d");
        Map<String, I420Frame> frames = Map.of(
                "a", RED.frame(640, 360),      // same size as the tile
                "b", GREEN.frame(320, 180),    // up-scaled
                "c", BLUE.frame(1280, 720),    // down-scaled
                "d", YELLOW.frame(960, 540));
        I420Frame canvas = compositor.compose(grid, frames);

        assertEquals(1280, canvas.width());
        assertEquals(720, canvas.height());
        assertTileIs(canvas, grid.tileOf("a"), RED);
        assertTileIs(canvas, grid.tileOf("b"), GREEN);
        assertTileIs(canvas, grid.tileOf("c"), BLUE);
        assertTileIs(canvas, grid.tileOf("d"), YELLOW);
    }

    @Test
    void aFourByThreeSourceIsPillarboxedWithBlackBarsInASixteenByNineTile() {
        Layout one = grid("a");
        I420Frame canvas = compositor.compose(one, Map.of("a", WHITE.frame(640, 480)));
        // 640x480 fits 1280x720 as 960x720, centred: picture at x 160..1119
        assertColour(canvas, 0, 360, BLACK);
        assertColour(canvas, 158, 360, BLACK);
        assertColour(canvas, 160, 360, WHITE);
        assertColour(canvas, 161, 0, WHITE);
        assertColour(canvas, 640, 719, WHITE);
        assertColour(canvas, 1118, 360, WHITE);
        assertColour(canvas, 1120, 360, BLACK);
        assertColour(canvas, 1279, 719, BLACK);
    }

    @Test
    void aWideSourceIsLetterboxedWithBlackBarsAboveAndBelow() {
        Layout one = grid("a");
        I420Frame canvas = compositor.compose(one, Map.of("a", WHITE.frame(640, 274)));
        // 640x274 fits 1280x720 as 1280x548 at y 86..633
        assertColour(canvas, 640, 0, BLACK);
        assertColour(canvas, 640, 84, BLACK);
        assertColour(canvas, 640, 86, WHITE);
        assertColour(canvas, 0, 360, WHITE);
        assertColour(canvas, 640, 632, WHITE);
        assertColour(canvas, 640, 634, BLACK);
        assertColour(canvas, 640, 719, BLACK);
    }

    @Test
    void aLayoutChangeClearsWhatTheOldTilesLeftBehind() {
        Map<String, I420Frame> frames = new HashMap<>(Map.of(
                "a", RED.frame(640, 360), "b", GREEN.frame(640, 360),
                "c", BLUE.frame(640, 360), "d", YELLOW.frame(640, 360)));
        I420Frame canvas = compositor.compose(grid("a", "b", "c", "d"), frames);
        assertColour(canvas, 1200, 600, YELLOW);
        assertColour(canvas, 100, 600, BLUE);

        frames.remove("d");
        canvas = compositor.compose(grid("a", "b", "c"), frames);
        // c moved to the centre of the bottom row: both old corners are black now
        assertColour(canvas, 1200, 600, BLACK);
        assertColour(canvas, 100, 600, BLACK);
        assertColour(canvas, 640, 540, BLUE);
        assertColour(canvas, 100, 100, RED);
    }

    @Test
    void aParticipantWithoutAFrameYetShowsBlack() {
        I420Frame canvas = compositor.compose(grid("a", "b"), Map.of("a", RED.frame(640, 360)));
        assertColour(canvas, 320, 360, RED);
        assertColour(canvas, 960, 360, BLACK);
    }

    @Test
    void anUnchangedFrameIsNotScaledAgain() {
        Layout layout = grid("a", "b", "c", "d");
        Map<String, I420Frame> frames = new HashMap<>(Map.of(
                "a", RED.frame(640, 360), "b", GREEN.frame(640, 360),
                "c", BLUE.frame(640, 360), "d", YELLOW.frame(640, 360)));
        compositor.compose(layout, frames);
        assertEquals(4, compositor.scaleCount());

        compositor.compose(layout, frames);
        compositor.compose(grid("a", "b", "c", "d"), frames); // an equal layout recomputed is no change
        assertEquals(4, compositor.scaleCount());

        frames.put("b", WHITE.frame(640, 360));
        I420Frame canvas = compositor.compose(layout, frames);
        assertEquals(5, compositor.scaleCount());
        assertColour(canvas, 960, 180, WHITE);
    }

    @Test
    void reScalingOneTileLeavesItsNeighboursIntact() {
        Layout layout = grid("a", "b", "c", "d");
        Map<String, I420Frame> frames = new HashMap<>(Map.of(
                "a", RED.frame(640, 360), "b", GREEN.frame(640, 360),
                "c", BLUE.frame(640, 360), "d", YELLOW.frame(640, 360)));
        compositor.compose(layout, frames);
        frames.put("a", WHITE.frame(333, 187)); // odd size, scaled up into a 640x360 tile
        I420Frame canvas = compositor.compose(layout, frames);
        assertTileIs(canvas, layout.tileOf("b"), GREEN);
        assertTileIs(canvas, layout.tileOf("c"), BLUE);
        assertTileIs(canvas, layout.tileOf("d"), YELLOW);
        assertColour(canvas, 320, 180, WHITE);
    }

    @Test
    void reScalingIntoTilesAtUnalignedOffsetsDoesNotSpillIntoTheNextTile() {
        Layout five = grid("a", "b", "c", "d", "e"); // 426x240 cells at x = 0, 426, 852 and 214, 640
        Map<String, I420Frame> frames = new HashMap<>(Map.of(
                "a", RED.frame(426, 240), "b", GREEN.frame(426, 240), "c", BLUE.frame(426, 240),
                "d", YELLOW.frame(426, 240), "e", GREEN.frame(426, 240)));
        compositor.compose(five, frames);
        frames.put("a", WHITE.frame(321, 181));
        frames.put("b", WHITE.frame(852, 480));
        frames.put("d", WHITE.frame(639, 360));
        I420Frame canvas = compositor.compose(five, frames);
        assertTileIs(canvas, five.tileOf("a"), WHITE);
        assertTileIs(canvas, five.tileOf("b"), WHITE);
        assertTileIs(canvas, five.tileOf("c"), BLUE);
        assertTileIs(canvas, five.tileOf("d"), WHITE);
        assertTileIs(canvas, five.tileOf("e"), GREEN);
        assertColour(canvas, 212, 500, BLACK); // left of the centred last row
    }

    @Test
    void aNewSourceShapeRepaintsTheBarsOfTheOldPicture() {
        Layout one = grid("a");
        compositor.compose(one, Map.of("a", WHITE.frame(1280, 720)));
        I420Frame canvas = compositor.compose(one, Map.of("a", RED.frame(640, 480)));
        assertColour(canvas, 40, 360, BLACK);
        assertColour(canvas, 640, 360, RED);
    }

    @ParameterizedTest(name = "source {0}x{1} on a {2}x{3} canvas")
    @CsvSource({
            "321, 241, 1280, 720",
            "321, 241, 641, 359",
            "1, 1, 1280, 720",
            "2, 2, 1280, 720",
            "1919, 1079, 640, 360",
            "176, 144, 641, 359"})
    void oddSourceAndCanvasSizesWork(int sourceWidth, int sourceHeight, int canvasWidth, int canvasHeight) {
        try (VideoCompositor odd = new VideoCompositor(canvasWidth, canvasHeight)) {
            Layout layout = Layouts.compute(LayoutSpec.grid(), canvasWidth, canvasHeight, List.of("a", "b", "c", "d"));
            Map<String, I420Frame> frames = Map.of(
                    "a", RED.frame(sourceWidth, sourceHeight), "b", GREEN.frame(sourceWidth, sourceHeight),
                    "c", BLUE.frame(sourceWidth, sourceHeight), "d", YELLOW.frame(sourceWidth, sourceHeight));
            I420Frame canvas = odd.compose(layout, frames);
            assertEquals(I420Frame.sizeOf(canvasWidth, canvasHeight), canvas.data().length);
            assertColour(canvas, centreX(layout.tileOf("a")), centreY(layout.tileOf("a")), RED);
            assertColour(canvas, centreX(layout.tileOf("b")), centreY(layout.tileOf("b")), GREEN);
            assertColour(canvas, centreX(layout.tileOf("c")), centreY(layout.tileOf("c")), BLUE);
            assertColour(canvas, centreX(layout.tileOf("d")), centreY(layout.tileOf("d")), YELLOW);
        }
    }

    @Test
    void thePictureInPictureInsetStaysOnTopWhenOnlyTheFocusChanges() {
        Layout pip = Layouts.compute(LayoutSpec.pictureInPicture("a"), 1280, 720, List.of("a", "b"));
        Tile inset = pip.tileOf("b");
        Map<String, I420Frame> frames = new HashMap<>(Map.of("a", RED.frame(1280, 720), "b", GREEN.frame(640, 360)));
        compositor.compose(pip, frames);
        frames.put("a", BLUE.frame(1280, 720));
        I420Frame canvas = compositor.compose(pip, frames);
        assertTileIs(canvas, inset, GREEN);
        assertColour(canvas, 100, 100, BLUE);
        assertColour(canvas, inset.x() - 2, inset.y() - 2, BLUE);
    }

    @Test
    void theHighlightedParticipantGetsABorderThatMovesWithTheHighlight() {
        Layout layout = grid("a", "b");
        Map<String, I420Frame> frames = Map.of("a", RED.frame(640, 720), "b", GREEN.frame(640, 720));
        I420Frame canvas = compositor.compose(layout, frames, "a");
        assertColour(canvas, 0, 360, HIGHLIGHT);
        assertColour(canvas, 638, 360, HIGHLIGHT);
        assertColour(canvas, 320, 0, HIGHLIGHT);
        assertColour(canvas, 320, 360, RED);
        assertColour(canvas, 642, 360, GREEN);

        canvas = compositor.compose(layout, frames, "b");
        assertColour(canvas, 0, 360, RED);
        assertColour(canvas, 638, 360, RED);
        assertColour(canvas, 640, 360, HIGHLIGHT);
        assertColour(canvas, 1278, 719, HIGHLIGHT);
    }

    @Test
    void everyCallReturnsTheSameReusedCanvas() {
        Layout layout = grid("a");
        I420Frame first = compositor.compose(layout, Map.of("a", RED.frame(64, 36)));
        I420Frame second = compositor.compose(layout, Map.of("a", GREEN.frame(64, 36)));
        assertSame(first, second);
        assertSame(first.data(), second.data());
        assertColour(second, 640, 360, GREEN);
    }

    @Test
    void aLayoutForAnotherCanvasSizeIsRefused() {
        Layout other = Layouts.compute(LayoutSpec.grid(), 640, 360, List.of("a"));
        assertThrows(IllegalArgumentException.class, () -> compositor.compose(other, Map.of()));
    }

    @Test
    void aNewCompositorIsBlack() {
        I420Frame canvas = compositor.compose(Layout.empty(1280, 720), Map.of());
        assertColour(canvas, 0, 0, BLACK);
        assertColour(canvas, 1279, 719, BLACK);
    }

    private static Layout grid(String... ids) {
        return Layouts.compute(LayoutSpec.grid(), 1280, 720, List.of(ids));
    }

    private static int centreX(Tile t) {
        return t.x() + t.width() / 2;
    }

    private static int centreY(Tile t) {
        return t.y() + t.height() / 2;
    }

    /** The centre, and one and two pixels inside every edge and corner. */
    private static void assertTileIs(I420Frame canvas, Tile t, Yuv expected) {
        int[] xs = {t.x(), t.x() + 1, centreX(t), t.right() - 2, t.right() - 1};
        int[] ys = {t.y(), t.y() + 1, centreY(t), t.bottom() - 2, t.bottom() - 1};
        for (int x : xs) {
            for (int y : ys) {
                assertColour(canvas, x, y, expected);
            }
        }
    }

    private static void assertColour(I420Frame canvas, int x, int y, Yuv expected) {
        Yuv actual = new Yuv(canvas.lumaAt(x, y), canvas.uAt(x, y), canvas.vAt(x, y));
        assertTrue(Math.abs(actual.y() - expected.y()) <= 2
                        && Math.abs(actual.u() - expected.u()) <= 2
                        && Math.abs(actual.v() - expected.v()) <= 2,
                () -> "at " + x + "," + y + " expected " + expected + " but was " + actual);
    }

    @Test
    void aSourceAlreadyFittedToItsTileIsCopiedPixelForPixel() {
        Layout grid = Layouts.compute(LayoutSpec.grid(), 1280, 720, List.of("a", "b", "c", "d"));
        Tile tile = grid.tileOf("b");
        byte[] pattern = new byte[I420Frame.sizeOf(tile.width(), tile.height())];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (16 + (i * 7919) % 219);
        }
        I420Frame fitted = new I420Frame(tile.width(), tile.height(), pattern, 0);
        I420Frame canvas = compositor.compose(grid, Map.of("b", fitted));
        for (int y = 0; y < tile.height(); y++) {
            for (int x = 0; x < tile.width(); x++) {
                assertEquals(fitted.lumaAt(x, y), canvas.lumaAt(tile.x() + x, tile.y() + y), "Y at " + x + "," + y);
                assertEquals(fitted.uAt(x, y), canvas.uAt(tile.x() + x, tile.y() + y), "U at " + x + "," + y);
                assertEquals(fitted.vAt(x, y), canvas.vAt(tile.x() + x, tile.y() + y), "V at " + x + "," + y);
            }
        }
        assertEquals(1, compositor.scaleCount(), "drawn once");
    }
}
