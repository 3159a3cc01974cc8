package dev.mcu.bench.jmh;

import dev.mcu.mixer.AudioLevel;
import dev.mcu.mixer.AudioMixer;
import dev.mcu.mixer.MixResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One 20 ms audio round of a room, as the media clock runs it (encoding excluded). The issue-4
 * target: 1,000 participants with K = 4 mixed within 50 µs per 20 ms frame.
 *
 * <ul>
 *   <li>{@code kLoudest}: the K = 4 loudest are mixed ({@link AudioMixer#mix} with 4 inputs, the
 *       others absent), then every one of the N listeners is handed its stream
 *       ({@link MixResult#mixFor}): the mixer's cost for a room of N.</li>
 *   <li>{@code kLoudestWithLevels}: the same, but all N send audio (4 speak, the rest room noise)
 *       and each frame's level is measured first to find the loudest, as the room does: what a
 *       round costs when nobody is muted.</li>
 *   <li>{@code everyoneContributes}: all N mixed (up to 100), for comparison with K-loudest.</li>
 * </ul>
 * Single-threaded, as the room's media clock; heap only, nothing to close.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class AudioMixerBenchmark {
    static final int K = 4;

    /** A room of N of whom the K loudest are mixed. */
    @State(Scope.Thread)
    public static class KLoudestRoom {
        @Param({"2", "10", "100", "1000"})
        public int participants;

        final AudioMixer mixer = new AudioMixer();
        final Map<String, short[]> speakersOnly = new HashMap<>();
        final Map<String, short[]> inputs = new HashMap<>();
        String[] ids;
        short[][] frames;
        final int[] loudest = new int[K];
        final double[] loudestLevels = new double[K];

        @Setup(Level.Trial)
        public void setUp() {
            ids = new String[participants];
            frames = new short[participants][];
            for (int i = 0; i < participants; i++) {
                ids[i] = "participant-" + i;
                boolean speaking = i % Math.max(1, participants / K) == 0 && speakersOnly.size() < K;
                frames[i] = speaking ? SyntheticAudio.speech(i) : SyntheticAudio.roomNoise(i);
                if (speaking) {
                    speakersOnly.put(ids[i], frames[i]);
                }
            }
        }
    }

    /** A room of N (up to 100) in which everyone is mixed. */
    @State(Scope.Thread)
    public static class EveryoneRoom {
        @Param({"2", "10", "100"})
        public int participants;

        final AudioMixer mixer = new AudioMixer();
        final Map<String, short[]> inputs = new HashMap<>();
        String[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            ids = new String[participants];
            for (int i = 0; i < participants; i++) {
                ids[i] = "participant-" + i;
                inputs.put(ids[i], SyntheticAudio.speech(i));
            }
        }
    }

    @Benchmark
    public void kLoudest(KLoudestRoom room, Blackhole blackhole) {
        MixResult mix = room.mixer.mix(room.speakersOnly);
        for (String id : room.ids) {
            blackhole.consume(mix.mixFor(id));
        }
    }

    @Benchmark
    public void kLoudestWithLevels(KLoudestRoom room, Blackhole blackhole) {
        int[] loudest = room.loudest;
        double[] levels = room.loudestLevels;
        Arrays.fill(loudest, -1);
        Arrays.fill(levels, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < room.ids.length; i++) {
            insertIfLouder(loudest, levels, i, AudioLevel.dbov(room.frames[i]));
        }
        room.inputs.clear();
        for (int k = 0; k < K && loudest[k] >= 0; k++) {
            room.inputs.put(room.ids[loudest[k]], room.frames[loudest[k]]);
        }
        MixResult mix = room.mixer.mix(room.inputs);
        for (String id : room.ids) {
            blackhole.consume(mix.mixFor(id));
        }
    }

    @Benchmark
    public void everyoneContributes(EveryoneRoom room, Blackhole blackhole) {
        MixResult mix = room.mixer.mix(room.inputs);
        for (String id : room.ids) {
            blackhole.consume(mix.mixFor(id));
        }
    }

    /** Keeps {@code indices} sorted loudest first, at most K of them. */
    private static void insertIfLouder(int[] indices, double[] levels, int index, double level) {
        int at = K;
        while (at > 0 && level > levels[at - 1]) {
            at--;
        }
        if (at == K) {
            return;
        }
        System.arraycopy(indices, at, indices, at + 1, K - 1 - at);
        System.arraycopy(levels, at, levels, at + 1, K - 1 - at);
        indices[at] = index;
        levels[at] = level;
    }
}
