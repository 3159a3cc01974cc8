package dev.mcu.bench.load;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The breakdown puts each server thread, as /proc names it, under the stage it works for. */
class ReportTest {
    @Test
    void threadsAreGroupedByTheStageTheyWorkFor() {
        assertEquals(Report.STAGE_ENCODE, Report.stageOf("encode-#"));
        assertEquals(Report.STAGE_DECODE, Report.stageOf("decode-#"));
        assertEquals(Report.STAGE_CLOCK, Report.stageOf("room-video#-aud"));
        assertEquals(Report.STAGE_NETWORK, Report.stageOf("media-io-#-#"));
        assertEquals(Report.STAGE_JIT, Report.stageOf("C# CompilerThre"));
    }

    @Test
    void theVideoEncodeIsItsOwnStageNotOtherThreads() {
        Map<String, Double> stages = Report.stages(Map.of("encode-#", 0.29, "room-video#-aud", 0.09, "Notification Th", 0.001));
        assertEquals(0.29, stages.get(Report.STAGE_ENCODE), 1e-9);
        assertEquals(0.001, stages.get(Report.STAGE_OTHER), 1e-9);
    }

    @Test
    void aWindowThatStartsBeforeTheJitHasSettledIsFlagged() {
        assertTrue(Report.warmupNote(30).contains("before the JIT has settled"), Report.warmupNote(30));
        assertFalse(Report.warmupNote(150).contains("before the JIT has settled"), Report.warmupNote(150));
    }

    @Test
    void aWarmUpLongEnoughForThePliRehearsalSaysItHadOne() {
        assertTrue(Report.warmupNote(150).contains("one PLI 30 s before the window"), Report.warmupNote(150));
        assertTrue(Report.warmupNote(Report.JIT_SETTLED_SECONDS).contains("one PLI"), Report.warmupNote(Report.JIT_SETTLED_SECONDS));
        assertFalse(Report.warmupNote(60).contains("PLI"), Report.warmupNote(60));
    }
}
