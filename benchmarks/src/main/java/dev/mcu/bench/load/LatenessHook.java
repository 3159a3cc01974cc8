package dev.mcu.bench.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How late the server's 20 ms audio rounds ran during the measured window (actual start minus
 * scheduled start), read from the line each room logs every 500 rounds (10 s):
 * {@code Room X: audio rounds late by p50 .. us, p99 .. us, max .. us over the last 500 rounds}.
 * The server runs as its own process and its log is what an operator reads too. Over the window's
 * lines: p50 is the median of the windows' medians, p99 the worst window's, max the largest.
 * The room's histogram tops out at 100 ms: a p50 or p99 of 100 ms means "100 ms or more".
 *
 * <p>Threads: the main thread: {@link #mark} when the measurement starts, {@link #read} at its end.
 */
final class LatenessHook {
    private static final Pattern LINE = Pattern.compile(
            "audio rounds late by p50 (\\d+) us, p99 (\\d+) us, max (\\d+) us over the last (\\d+) rounds");

    record Lateness(double p50Millis, double p99Millis, double maxMillis) {
    }

    /** Where the measured window starts in the server's log. */
    record Mark(Path log, long offset) {
    }

    private LatenessHook() {
    }

    static Mark mark(Path workDir, String scenario) {
        Path log = workDir.resolve("load-server-" + scenario + ".log");
        try {
            return new Mark(log, Files.exists(log) ? Files.size(log) : 0);
        } catch (IOException e) {
            return new Mark(log, 0);
        }
    }

    /** The server's audio-round lateness since {@code mark}, or null when the server logged none. */
    static Lateness read(Mark mark) {
        List<Long> p50 = new ArrayList<>();
        long p99 = 0;
        long max = 0;
        try (RandomAccessFile file = new RandomAccessFile(mark.log().toFile(), "r")) {
            byte[] rest = new byte[(int) Math.max(0, file.length() - mark.offset())];
            file.seek(mark.offset());
            file.readFully(rest);
            Matcher m = LINE.matcher(new String(rest, StandardCharsets.UTF_8));
            while (m.find()) {
                p50.add(Long.parseLong(m.group(1)));
                p99 = Math.max(p99, Long.parseLong(m.group(2)));
                max = Math.max(max, Long.parseLong(m.group(3)));
            }
        } catch (IOException e) {
            return null;
        }
        if (p50.isEmpty()) {
            return null;
        }
        Collections.sort(p50);
        return new Lateness(p50.get(p50.size() / 2) / 1000.0, p99 / 1000.0, max / 1000.0);
    }
}
