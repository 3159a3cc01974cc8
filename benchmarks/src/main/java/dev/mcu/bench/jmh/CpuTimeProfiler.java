package dev.mcu.bench.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JMH profiler ({@code -prof dev.mcu.bench.jmh.CpuTimeProfiler}) that adds two secondary
 * results per iteration: {@code ·cpu.time/op}, the CPU time the benchmark process used per
 * operation (all its threads: the benchmark, JIT, GC; setup at {@code Level.Invocation} included),
 * and {@code ·cpu.cores}, CPU time over wall time. On a shared, busy machine wall-clock scores grow
 * with the time spent waiting for a core; CPU time per operation barely does, and a
 * {@code cpu.cores} well below 1 shows that the benchmark thread was starved.
 *
 * <p>JMH calls it from its harness thread in the forked VM, before and after each iteration.
 * Linux reports process CPU time in clock ticks (10 ms), so iterations should last 500 ms or more.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;
    private long wallAtStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation, and cores used";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = os.getProcessCpuTime();
        wallAtStart = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpuNanos = os.getProcessCpuTime() - cpuAtStart;
        long wallNanos = System.nanoTime() - wallAtStart;
        long ops = result.getMetadata().getAllOps();
        TimeUnit unit = benchmarkParams.getTimeUnit();
        double nanosPerUnit = unit.toNanos(1);
        double perOp = ops == 0 ? Double.NaN : cpuNanos / nanosPerUnit / ops;
        return List.of(
                new ScalarResult("·cpu.time/op", perOp, label(unit) + "/op", AggregationPolicy.AVG),
                new ScalarResult("·cpu.cores", wallNanos == 0 ? Double.NaN : (double) cpuNanos / wallNanos, "cores",
                        AggregationPolicy.AVG));
    }

    private static String label(TimeUnit unit) {
        return switch (unit) {
            case NANOSECONDS -> "ns";
            case MICROSECONDS -> "us";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            default -> unit.name().toLowerCase();
        };
    }
}
