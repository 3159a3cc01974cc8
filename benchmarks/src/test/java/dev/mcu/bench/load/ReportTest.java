package dev.mcu.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;
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

    /** A video4 room that cost 0.45 cpu-s a second, against the CLI as fast as it can (0.35) and fed in real time. */
    private static Report video4Against(List<Double> pacedRuns, List<Double> pacedWall) {
        ScenarioResult served = new ScenarioResult(Scenario.parse("video4"), 20, 0.2, 0, 9.0, 1, 300, 50, 50, 0, 30, 30,
                1500, 0, List.of(40.0), 10, 0, null, Map.of(), null, null, null, null);
        FfmpegBaseline.Result cli = new FfmpegBaseline.Result(4, 20, 5.2, 7.0, null, "ffmpeg", List.of(0.35),
                List.of(0.34), "ffmpeg -threads 1", pacedRuns, pacedWall, "ffmpeg -re");
        return new Report(List.of(served), Map.of("video4", cli), Map.of(), null, 20, 150, 20, "libopenh264", "test",
                "0.52 0.41 0.30");
    }

    @Test
    void theLoadAverageBeforeTheRunIsTheOneTakenBeforeTheFirstScenarioNotWhenTheReportIsWritten() {
        Report report = video4Against(List.of(0.44), List.of(19.6));
        assertTrue(report.markdown().contains("load average before the run 0.52 0.41 0.30."), report.markdown());
        assertTrue(report.json().contains("\"loadAverageBefore\": \"0.52 0.41 0.30\""), report.json());
    }

    @Test
    void theReportSetsOursAgainstTheCliFedInRealTimeBesideTheBatchFigure() {
        String md = video4Against(List.of(0.44, 0.46, 0.50), List.of(19.6, 19.6, 19.6)).markdown();
        assertTrue(md.contains("| 0.460 | 0.98x |"), "the paced CLI's median and ours ÷ it in the table:\n" + md);
        assertTrue(md.contains("video4 ≤ 1.00x ffmpeg's CPU, same encoder: 1.29x"), md);
        assertTrue(md.contains("the same limit against the CLI fed in real time (`-re`): 0.98x — **met**"), md);
        String json = video4Against(List.of(0.44, 0.46, 0.50), List.of(19.6, 19.6, 19.6)).json();
        assertTrue(json.contains("\"ffmpegPacedCpuPerMediaSecond\": 0.4600") && json.contains("\"ffmpegPacedKeptUp\": true"), json);
    }

    @Test
    void aPacedCliThatFellBehindItsInputsIsNotComparedAsIfItHadNot() {
        String md = video4Against(List.of(0.54, 0.54, 0.50), List.of(55.1, 55.0, 55.1)).markdown();
        assertTrue(md.contains("| 0.540 (fell behind its inputs) | 0.83x (not comparable: the CLI could not keep up with real time) |"), md);
        assertTrue(md.contains("fed in real time (`-re`): 0.83x — **not comparable** (the paced CLI fell behind its inputs)"), md);
    }
}
