package org.vectorgrad.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import org.vectorgrad.cli.JitActivity;

/**
 * Runs a benchmark's operation until the JIT has gone quiet, before JMH's own warm-up: the same rule as
 * {@code vectorgrad bench train}'s first warm-up (a half-second window of calls in which the JIT compiled for at most
 * 5 ms ends it), with a floor and a cap on the time spent.
 *
 * <p>Why: C2 compiles the Vector API kernels only after they have run a while, interpreted code runs ~100x slower, and
 * on a 2-core machine the compile of the largest kernels ends seconds into a fork. With the short warm-up of issue
 * 12's protocol ({@code -wi 3 -w 1}) the 512-bit forks still timed that tail in their first measured iteration
 * (128x128x3136 NT: 1.09 ms, then 0.70-0.72 once compiled; 1024³: 14.6 and 17.0 ms, then 12.7), which turned into
 * ±10-77 % errors on our scores, none on OpenBLAS's native code. How long a fresh JVM takes to its first compiled
 * call is a different figure, measured by the {@code Cold} and {@code FirstStep} harnesses (docs/decisions.md §7).
 *
 * <p>Stateless; called from a benchmark's {@code @Setup(Level.Trial)} on the thread that runs the benchmark.
 */
final class JitQuiet {
    /** A window of calls this long in which the JIT compiled for at most {@link #QUIET_COMPILE_MS} ends the run. */
    static final long WINDOW_NS = 500_000_000L;
    static final long QUIET_COMPILE_MS = 5;

    private JitQuiet() {}

    /**
     * Calls {@code op} for at least {@code minSeconds}, then in half-second windows until one passes in which the JIT
     * compiled for at most 5 ms and after which C2 has nothing running or queued ({@link JitActivity}), or until
     * {@code maxSeconds} have passed. Returns whether the JIT went quiet (always
     * true where the JVM does not report compile time: then only the floor applies).
     */
    static boolean run(Runnable op, double minSeconds, double maxSeconds) {
        long start = System.nanoTime(), min = (long) (minSeconds * 1e9), max = (long) (maxSeconds * 1e9);
        while (System.nanoTime() - start < min) op.run();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return true;
        while (System.nanoTime() - start < max) {
            long compiled = jit.getTotalCompilationTime(), w0 = System.nanoTime();
            do op.run(); while (System.nanoTime() - w0 < WINDOW_NS);
            // the compile time grows only when a compile ends: a long one still running must not pass for quiet
            if (jit.getTotalCompilationTime() - compiled <= QUIET_COMPILE_MS && !JitActivity.c2Busy()) return true;
        }
        return false;
    }
}
