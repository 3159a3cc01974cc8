package dev.mcu.app.testing;

import org.bytedeco.javacpp.Pointer;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process's resources at one moment, after a full GC and a short settle so that memory freed by
 * deallocators and threads that are ending are out of the picture: JavaCPP-tracked native bytes,
 * resident set size, live threads. For leak tests; called from the test thread.
 *
 * @param trackedNativeBytes {@link Pointer#totalBytes()}: native memory JavaCPP allocated and has not freed
 * @param residentBytes      the process's resident set size (the Rss of every mapping in /proc/self/smaps)
 * @param heapResidentBytes  the part of it in the Java heap's address range. Not the heap's committed
 *                           size: committed pages become resident only once the heap first uses them,
 *                           which it goes on doing long after a warm-up, and counting them as native
 *                           memory made this grow by up to the committed heap (+172 MiB under load)
 * @param heapCommittedBytes the Java heap the JVM has taken from the system
 * @param heapUsedBytes      live Java objects after the GC
 * @param threads            live JVM threads
 */
public record ResourceSample(int cycle, long trackedNativeBytes, long residentBytes, long heapResidentBytes,
                             long heapCommittedBytes, long heapUsedBytes, int threads) {
    private static final long MIB = 1L << 20;
    /** An address range as GC.heap_info prints it: {@code [0x0000000082a00000, 0x0000000100000000)}. */
    private static final Pattern RANGE = Pattern.compile("\\[(0x[0-9a-fA-F]+), (?:0x[0-9a-fA-F]+, )*(0x[0-9a-fA-F]+)\\)");

    public static ResourceSample take(int cycle) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long[] heap = heapAddressRange();
        long[] resident = residentInAndOutside(heap[0], heap[1]);
        return new ResourceSample(cycle, Pointer.totalBytes(), resident[0] + resident[1], resident[0],
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** Resident memory that is not Java heap: native allocations, thread stacks, code, metaspace. */
    public long residentOutsideHeapBytes() {
        return residentBytes - heapResidentBytes;
    }

    /** The Java heap's reserved addresses, from the JVM's own GC.heap_info (what jcmd prints). */
    private static long[] heapAddressRange() {
        String info;
        try {
            info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("GC.heap_info is part of every HotSpot JVM", e);
        }
        long start = Long.MAX_VALUE;
        long end = 0;
        Matcher m = RANGE.matcher(info);
        while (m.find()) { // G1 prints one range for the heap; the other collectors one per generation
            start = Math.min(start, Long.decode(m.group(1)));
            end = Math.max(end, Long.decode(m.group(2)));
        }
        if (end == 0) {
            throw new IllegalStateException("no heap address range in GC.heap_info: " + info);
        }
        return new long[] {start, end};
    }

    /** Resident bytes of the mappings inside {@code [start, end)} and of all others, from /proc/self/smaps. */
    private static long[] residentInAndOutside(long start, long end) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new IllegalStateException("leak tests read /proc/self/smaps (Linux only)", e);
        }
        long inside = 0;
        long outside = 0;
        boolean inHeap = false;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                long from = new BigInteger(line.substring(0, dash), 16).longValue();
                inHeap = from >= start && from < end;
            } else if (line.startsWith("Rss:")) {
                long bytes = Long.parseLong(line.substring(4).replace("kB", "").trim()) * 1024;
                if (inHeap) {
                    inside += bytes;
                } else {
                    outside += bytes;
                }
            }
        }
        return new long[] {inside, outside};
    }

    public String growthSince(ResourceSample earlier) {
        return String.format("tracked native %+.1f MiB, resident %+.1f MiB (outside the heap %+.1f MiB), heap used %+.1f MiB, threads %+d",
                (trackedNativeBytes - earlier.trackedNativeBytes) / (double) MIB,
                (residentBytes - earlier.residentBytes) / (double) MIB,
                (residentOutsideHeapBytes() - earlier.residentOutsideHeapBytes()) / (double) MIB,
                (heapUsedBytes - earlier.heapUsedBytes) / (double) MIB, threads - earlier.threads);
    }

    @Override
    public String toString() {
        return String.format("cycle %d: tracked native %.1f MiB, resident %.1f MiB (heap %.1f MiB), heap committed %.1f MiB,"
                        + " heap used %.1f MiB, %d threads",
                cycle, trackedNativeBytes / (double) MIB, residentBytes / (double) MIB, heapResidentBytes / (double) MIB,
                heapCommittedBytes / (double) MIB, heapUsedBytes / (double) MIB, threads);
    }
}
