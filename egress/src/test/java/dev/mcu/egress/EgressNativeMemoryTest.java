package dev.mcu.egress;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every FFmpeg object a muxer allocates is freed, after a full run and after a failed open alike. */
class EgressNativeMemoryTest {
    private static final int ROUNDS = 600;
    private static final long ALLOWED_GROWTH = 8L << 20; // leaving out avformat_free_context grows it by ~14 MB

    @TempDir
    Path dir;

    @Test
    void openingWritingAndFinishingOutputsAndFailingOpensSixHundredTimesDoesNotGrowNativeMemory() throws Exception {
        byte[] keyframe;
        try (Program program = new Program()) {
            keyframe = program.firstKeyframe();
        }
        byte[] parameterSets = Egress.parameterSets(keyframe);
        byte[] aacConfig = {0x11, (byte) 0x88};
        MuxPacket video = new MuxPacket(true, keyframe, 0, true);
        // Libraries loaded, the JIT's code for these paths compiled and the allocator's arenas filled
        // before the first sample: at low load they grew within the measured rounds (+11..16 MB).
        for (int i = 0; i < ROUNDS / 2; i++) {
            cycle(parameterSets, aacConfig, video);
        }
        long before = settledPhysicalBytes();
        for (int i = 0; i < ROUNDS; i++) {
            cycle(parameterSets, aacConfig, video);
        }
        long growth = settledPhysicalBytes() - before;
        assertTrue(growth < ALLOWED_GROWTH, "resident memory grew by " + (growth >> 20) + " MB");
    }

    private void cycle(byte[] parameterSets, byte[] aacConfig, MuxPacket video) throws Exception {
        for (String name : new String[]{"a.mp4", "a.mkv"}) {
            try (Muxer muxer = Muxer.open(EgressTarget.record(dir, name), Program.WIDTH, Program.HEIGHT,
                    parameterSets, aacConfig, 48_000, 1)) {
                muxer.write(video, 0);
                muxer.write(new MuxPacket(false, new byte[]{0x21, 0x10, 0x04, 0x60, (byte) 0x8c, 0x1c}, 0, true), 0);
            }
        }
        assertThrows(MuxerException.class, () -> Muxer.open(EgressTarget.record(dir.resolve("missing"), "a.mp4"),
                Program.WIDTH, Program.HEIGHT, parameterSets, aacConfig, 48_000, 1));
    }

    /**
     * The resident set once freed memory is given back: malloc_trim returns what glibc's arenas keep
     * after free (a leak stays). Without it, arena pages the test thread's first muxers left behind
     * counted as growth (+11 and +15 MB in two full verifies, against 8).
     */
    private static long settledPhysicalBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Pointer.deallocateReferences();
        }
        Pointer.trimMemory();
        return Pointer.physicalBytes();
    }
}
