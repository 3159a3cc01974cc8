package dev.mcu.layouts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Exact tile tables for a 1280x720 canvas, so a geometry change shows up as a diff. */
class LayoutsGeometryTest {
    private static final int W = 1280;
    private static final int H = 720;

    record Case(String name, LayoutSpec spec, int participants, List<Tile> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> tables() {
        return Stream.of(
                new Case("grid of 1 fills the canvas", LayoutSpec.grid(), 1,
                        List.of(t(0, 0, 1280, 720))),
                new Case("grid of 2 is side by side", LayoutSpec.grid(), 2,
                        List.of(t(0, 0, 640, 720), t(640, 0, 640, 720))),
                new Case("grid of 3 is 2x2 with the last one centred", LayoutSpec.grid(), 3,
                        List.of(t(0, 0, 640, 360), t(640, 0, 640, 360),
                                t(320, 360, 640, 360))),
                new Case("grid of 4 is 2x2", LayoutSpec.grid(), 4,
                        List.of(t(0, 0, 640, 360), t(640, 0, 640, 360),
                                t(0, 360, 640, 360), t(640, 360, 640, 360))),
                new Case("grid of 5 uses 3x3 cells, two rows centred vertically", LayoutSpec.grid(), 5,
                        List.of(t(0, 120, 426, 240), t(426, 120, 426, 240), t(852, 120, 426, 240),
                                t(214, 360, 426, 240), t(640, 360, 426, 240))),
                new Case("grid of 9 is 3x3", LayoutSpec.grid(), 9,
                        List.of(t(0, 0, 426, 240), t(426, 0, 426, 240), t(852, 0, 426, 240),
                                t(0, 240, 426, 240), t(426, 240, 426, 240), t(852, 240, 426, 240),
                                t(0, 480, 426, 240), t(426, 480, 426, 240), t(852, 480, 426, 240))),
                new Case("grid of 10 uses 4x4 cells, three rows", LayoutSpec.grid(), 10,
                        List.of(t(0, 90, 320, 180), t(320, 90, 320, 180), t(640, 90, 320, 180), t(960, 90, 320, 180),
                                t(0, 270, 320, 180), t(320, 270, 320, 180), t(640, 270, 320, 180), t(960, 270, 320, 180),
                                t(320, 450, 320, 180), t(640, 450, 320, 180))),
                new Case("grid of 17 is 5 columns by 4 rows", LayoutSpec.grid(), 17,
                        List.of(t(0, 0, 256, 180), t(256, 0, 256, 180), t(512, 0, 256, 180), t(768, 0, 256, 180), t(1024, 0, 256, 180),
                                t(0, 180, 256, 180), t(256, 180, 256, 180), t(512, 180, 256, 180), t(768, 180, 256, 180), t(1024, 180, 256, 180),
                                t(0, 360, 256, 180), t(256, 360, 256, 180), t(512, 360, 256, 180), t(768, 360, 256, 180), t(1024, 360, 256, 180),
                                t(384, 540, 256, 180), t(640, 540, 256, 180))),
                new Case("speaker alone fills the canvas", LayoutSpec.speaker("p0"), 1,
                        List.of(t(0, 0, 1280, 720))),
                new Case("speaker above a centred filmstrip of the others", LayoutSpec.speaker("p2"), 4,
                        // drawing order: focus p2 first, then p0, p1, p3
                        List.of(t(0, 0, 1280, 618),
                                t(366, 618, 182, 102), t(548, 618, 182, 102), t(730, 618, 182, 102))),
                new Case("presenter with thumbnails centred in a right column", LayoutSpec.presenter(null), 3,
                        List.of(t(0, 0, 1024, 720), t(1024, 216, 256, 144), t(1024, 360, 256, 144))),
                new Case("picture in picture puts one inset bottom right", LayoutSpec.pictureInPicture("p1"), 3,
                        List.of(t(0, 0, 1280, 720), t(938, 518, 320, 180))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void tilesMatchTheTable(Case c) {
        Layout layout = Layouts.compute(c.spec(), W, H, ids(c.participants()));
        assertEquals(c.expected(), tilesInOrder(layout), layout.toString());
    }

    @Test
    void theFocusIsDrawnFirstAndTheOthersKeepTheirOrder() {
        Layout layout = Layouts.compute(LayoutSpec.speaker("p2"), W, H, ids(4));
        assertEquals(List.of("p2", "p0", "p1", "p3"), layout.participantIds());
    }

    @Test
    void anUnknownFocusFallsBackToTheFirstParticipant() {
        Layout layout = Layouts.compute(LayoutSpec.pictureInPicture("gone"), W, H, ids(3));
        assertEquals(List.of("p0", "p1"), layout.participantIds());
        assertEquals(t(0, 0, W, H), layout.tileOf("p0"));
    }

    @Test
    void participantsBeyondTheFilmstripAreAbsentSoTheyNeedNoDecoding() {
        Layout layout = Layouts.compute(LayoutSpec.speaker("p0"), W, H, ids(12));
        assertEquals(1 + Layouts.FILMSTRIP_MAX, layout.size());
        for (int i = 8; i < 12; i++) {
            assertFalse(layout.isVisible("p" + i));
            assertNull(layout.tileOf("p" + i));
        }
    }

    @Test
    void noParticipantsGiveAnEmptyLayout() {
        assertEquals(Layout.empty(W, H), Layouts.compute(LayoutSpec.grid(), W, H, List.of()));
    }

    @Test
    void duplicateIdsAreShownOnce() {
        Layout layout = Layouts.compute(LayoutSpec.grid(), W, H, List.of("a", "b", "a"));
        assertEquals(List.of("a", "b"), layout.participantIds());
    }

    static Tile t(int x, int y, int w, int h) {
        return new Tile(x, y, w, h);
    }

    static List<String> ids(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("p" + i);
        }
        return ids;
    }

    static List<Tile> tilesInOrder(Layout layout) {
        return new ArrayList<>(layout.tiles().values());
    }
}
