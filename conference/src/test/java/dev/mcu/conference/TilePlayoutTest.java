package dev.mcu.conference;

import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TilePlayoutTest {
    private final TilePlayout playout = new TilePlayout();
    private int sent;

    private I420Frame picture() {
        return new I420Frame(2, 2, new byte[6], sent++);
    }

    /** The picture each tick shows, as the number it was sent with (-1: none yet). */
    private int tick() {
        I420Frame shown = playout.next();
        return shown == null ? -1 : (int) shown.timestampMicros();
    }

    @Test
    void nothingIsShownBeforeTheFirstPictureAndTheLastOneStaysUntilANewOneComes() {
        assertNull(playout.next());
        playout.publish(picture());
        assertEquals(0, tick());
        assertEquals(0, tick());
        playout.publish(picture());
        assertEquals(1, tick());
    }

    @Test
    void aPictureThatArrivesLateWithItsSuccessorIsShownInsteadOfSkipped() {
        // One picture per tick, except that picture 3 lands just after its tick, together with picture 4.
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            playout.publish(picture());
            shown.add(tick());
        }
        shown.add(tick());              // 3 is late: the tile repeats 2 (unavoidable without waiting)
        playout.publish(picture());     // 3
        playout.publish(picture());     // 4
        shown.add(tick());
        for (int i = 0; i < 3; i++) {
            playout.publish(picture());
            shown.add(tick());
        }
        // The newest-picture rule would have shown 0 1 2 2 4 5 6 7: picture 3 never seen.
        assertEquals(List.of(0, 1, 2, 2, 3, 4, 5, 6), shown);
    }

    @Test
    void aTileRunningAFrameBehindAbsorbsTheNextLatePictureWithoutARepeat() {
        playout.publish(picture());
        tick();
        playout.publish(picture());
        playout.publish(picture());
        assertEquals(1, tick());        // 2 held: a frame behind
        assertEquals(2, tick());        // 3 is late: the held picture fills the gap, no repeat
        playout.publish(picture());
        assertEquals(3, tick());        // current again
        assertEquals(3, tick());
    }

    @Test
    void aTileThatStaysAFrameBehindCatchesUpWithOneSkip() {
        playout.publish(picture());
        tick();
        playout.publish(picture());
        playout.publish(picture());     // from here on, one picture per tick: the tile stays behind
        List<Integer> steps = new ArrayList<>();
        int previous = 0;
        for (int i = 0; i < TilePlayout.CATCH_UP_TICKS + 5; i++) {
            int now = tick();
            steps.add(now - previous);
            previous = now;
            playout.publish(picture());
        }
        long skips = steps.stream().filter(step -> step == 2).count();
        assertEquals(1, skips, "steps " + steps);
        assertEquals(steps.size() - 1, steps.stream().filter(step -> step == 1).count(), "steps " + steps);
        // after the skip the tile is current: the picture published last is the one the next tick shows
        assertEquals(sent - 1, tick(), "the tile is not current after catching up");
    }

    @Test
    void aBurstNeverPutsTheTileMoreThanOneFrameBehind() {
        playout.publish(picture());
        tick();
        for (int i = 0; i < 5; i++) {
            playout.publish(picture());  // 1..5 within one tick
        }
        assertEquals(4, tick());
        assertEquals(5, tick());
        assertEquals(5, tick());
    }

    @Test
    void clearingForgetsEveryPicture() {
        playout.publish(picture());
        playout.publish(picture());
        playout.clear();
        assertNull(playout.next());
        playout.publish(picture());
        assertEquals(2, tick());
    }
}
