package dev.mcu.bench.load;

import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The participants' synthetic video: a loop's restart must look like any other frame step, not a cut. */
class MediaLibraryTest {

    /** Mean absolute luma difference of two pictures. */
    private static double lumaChange(I420Frame a, I420Frame b) {
        long sum = 0;
        int pixels = a.width() * a.height();
        for (int i = 0; i < pixels; i++) {
            sum += Math.abs((a.data()[i] & 0xff) - (b.data()[i] & 0xff));
        }
        return (double) sum / pixels;
    }

    @Test
    void aLoopRestartsWithoutACutSoTilesRestartingTogetherAreNoNewScene() {
        int last = MediaLibrary.VIDEO_LOOP_FRAMES - 1;
        for (int participant = 1; participant <= 3; participant++) { // participant 0 flashes at its loop's end on purpose
            double largestStep = 0;
            for (int f = 0; f < last; f++) {
                largestStep = Math.max(largestStep,
                        lumaChange(MediaLibrary.picture(participant, f), MediaLibrary.picture(participant, f + 1)));
            }
            double restart = lumaChange(MediaLibrary.picture(participant, last), MediaLibrary.picture(participant, 0));
            assertTrue(restart <= largestStep * 1.1, "participant " + participant + ": the restart changes luma by "
                    + restart + " on average, a step inside the loop by at most " + largestStep);
        }
    }
}
