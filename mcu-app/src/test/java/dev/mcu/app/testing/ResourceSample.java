package dev.mcu.app.testing;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;

/**
 * The process's resources at one moment, after a full GC and a short settle so that memory freed by
 * deallocators and threads that are ending are out of the picture: JavaCPP-tracked native bytes,
 * resident set size, live threads. For leak tests; called from the test thread.
 *
 * @param trackedNativeBytes {@link Pointer#totalBytes()}: native memory JavaCPP allocated and has not freed
 * @param residentBytes      {@link Pointer#physicalBytes()}: the process's resident set size
 * @param heapCommittedBytes the Java heap the JVM has taken from the system (part of the resident set)
 * @param heapUsedBytes      live Java objects after the GC
 * @param threads            live JVM threads
 */
public record ResourceSample(int cycle, long trackedNativeBytes, long residentBytes, long heapCommittedBytes,
                             long heapUsedBytes, int threads) {
    private static final long MIB = 1L << 20;

    public static ResourceSample take(int cycle) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return new ResourceSample(cycle, Pointer.totalBytes(), Pointer.physicalBytes(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** Resident memory that is not Java heap: native allocations, thread stacks, code, metaspace. */
    public long residentOutsideHeapBytes() {
        return residentBytes - heapCommittedBytes;
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
        return String.format("cycle %d: tracked native %.1f MiB, resident %.1f MiB, heap committed %.1f MiB, heap used %.1f MiB, %d threads",
                cycle, trackedNativeBytes / (double) MIB, residentBytes / (double) MIB,
                heapCommittedBytes / (double) MIB, heapUsedBytes / (double) MIB, threads);
    }
}
