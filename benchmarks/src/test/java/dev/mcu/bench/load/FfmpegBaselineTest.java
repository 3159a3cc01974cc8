package dev.mcu.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline's canvas: every participant in the tile the server showed it in. */
class FfmpegBaselineTest {

    @Test
    void eachTileShowsTheParticipantTheServerPutThere() {
        List<FfmpegBaseline.Picture> pictures = FfmpegBaseline.gridPictures(4);
        String graph = FfmpegBaseline.filterGraph(pictures, new int[] {2, 0, 3, 1});

        FfmpegBaseline.Picture topRight = pictures.get(1);
        assertEquals(FfmpegBaseline.CANVAS_WIDTH, topRight.x() + topRight.width(), "a 2x2 grid's second tile ends at the right edge");
        // picture 1 (top right) is scaled from input 0, picture 0 from input 2
        assertTrue(graph.contains("[0:v]settb=1/30,setpts=N,scale=" + topRight.width() + ":" + topRight.height()
                + ":flags=bilinear[v1];"), graph);
        assertTrue(graph.startsWith("[2:v]settb=1/30,setpts=N,scale=640:360:flags=bilinear[v0];"), graph);
        assertTrue(graph.contains("xstack=inputs=4:layout=0_0|" + topRight.x() + "_" + topRight.y() + "|"), graph);
        // every participant is heard, whatever its tile
        assertTrue(graph.endsWith("[0:a][1:a][2:a][3:a]amix=inputs=4:normalize=0[a]"), graph);
    }

    @Test
    void withoutThePlacementParticipantIIsInTileI() {
        String graph = FfmpegBaseline.filterGraph(FfmpegBaseline.gridPictures(2), null);
        assertTrue(graph.startsWith("[0:v]settb=1/30,setpts=N,scale="), graph);
        assertFalse(graph.contains("trim"), "every tile in step: " + graph);
        assertTrue(graph.contains("[1:v]settb=1/30,setpts=N,scale=") && graph.indexOf("[1:v]") < graph.indexOf("[v1]"), graph);
    }

    @Test
    void tilesRunAheadOfEachOtherAsTheServersDid() {
        // the server showed tiles 0 and 2 a frame behind tiles 1 and 3
        String graph = FfmpegBaseline.filterGraph(FfmpegBaseline.gridPictures(4), new int[] {2, 0, 3, 1},
                new int[] {-1, 0, -1, 0});

        assertTrue(graph.startsWith("[2:v]settb=1/30,setpts=N,scale="), "tile 0 from its input's first frame: " + graph);
        assertTrue(graph.contains("[0:v]trim=start_frame=1,settb=1/30,setpts=N,scale="), "tile 1 a frame ahead: " + graph);
        assertTrue(graph.contains("[3:v]settb=1/30,setpts=N,scale="), graph);
        assertTrue(graph.contains("[1:v]trim=start_frame=1,settb=1/30,setpts=N,scale="), "tile 3 a frame ahead: " + graph);
    }

    @Test
    void theBaselineFigureIsItsMedianRunAndTheReportShowsTheSpread() {
        double[] median = FfmpegBaseline.medianByCpu(List.of(new double[] {9.0, 10.5}, new double[] {8.0, 7.2},
                new double[] {8.5, 8.1}));
        assertEquals(8.1, median[1], "the middle CPU figure of three");
        assertEquals(8.5, median[0], "with that run's wall time");
        assertEquals(7.2, FfmpegBaseline.medianByCpu(List.of(new double[] {1, 7.2}, new double[] {1, 9.0}))[1],
                "the lower middle of an even count");

        FfmpegBaseline.Result three = new FfmpegBaseline.Result(4, 20, 8.5, 8.1, null, "ffmpeg", List.of(0.525, 0.36, 0.405),
                List.of(0.39, 0.37, 0.41, 0.38), "ffmpeg -threads 1", List.of(0.52, 0.49, 0.50), List.of(20.4, 20.3, 20.5),
                "ffmpeg -re");
        assertEquals(0.38, three.oneDecodeThreadCpuPerMediaSecond(), "the lower middle of the one-thread runs");
        assertEquals(0.50, three.pacedCpuPerMediaSecond(), "the middle of the paced runs");
        assertTrue(three.pacedKeptUp(), "20.5 s of wall for 20 s of media kept up");
        assertEquals(" (median of 0.360–0.525, 3 runs)", Report.spread(three));
        FfmpegBaseline.Result one = new FfmpegBaseline.Result(4, 20, 8.5, 8.1, null, "ffmpeg", List.of(0.405), List.of(),
                "ffmpeg -threads 1", List.of(2.1), List.of(27.0), "ffmpeg -re");
        assertTrue(Double.isNaN(one.oneDecodeThreadCpuPerMediaSecond()), "no one-thread run, no figure");
        assertFalse(one.pacedKeptUp(), "27 s of wall for 20 s of media fell behind");
        assertEquals("", Report.spread(one), "one run has no spread to show");
    }

    @Test
    void thePacedJobReadsEveryInputInRealTimeAndTheOthersDoNot() {
        String graph = FfmpegBaseline.filterGraph(FfmpegBaseline.gridPictures(4), null);
        List<String> paced = FfmpegBaseline.command("ffmpeg", 4, 20, graph, "libopenh264", "out.h264",
                FfmpegBaseline.Variant.PACED);
        List<String> oneThread = FfmpegBaseline.command("ffmpeg", 4, 20, graph, "libopenh264", "out.h264",
                FfmpegBaseline.Variant.ONE_DECODE_THREAD);
        List<String> free = FfmpegBaseline.command("ffmpeg", 4, 20, graph, "libopenh264", "out.h264",
                FfmpegBaseline.Variant.AS_FAST_AS_IT_CAN);
        for (int i = 0; i < 4; i++) {
            int input = paced.indexOf("in" + i + "-20s.mkv");
            assertEquals(List.of("-re", "-i"), paced.subList(input - 2, input), "input " + i + " read in real time");
            int same = oneThread.indexOf("in" + i + "-20s.mkv");
            assertEquals(List.of("-threads", "1", "-i"), oneThread.subList(same - 3, same), "input " + i + " on one decode thread");
        }
        assertFalse(free.contains("-re") || oneThread.contains("-re"), "only the paced job waits for its inputs");
        assertEquals(free.subList(free.indexOf("-filter_complex"), free.size()),
                paced.subList(paced.indexOf("-filter_complex"), paced.size()), "the same graph and encoder settings");
    }
}
