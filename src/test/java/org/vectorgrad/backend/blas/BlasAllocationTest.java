package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;

/** A steady-state BLAS GEMM allocates nothing on the Java heap (heap segments are scalar-replaced by C2). */
class BlasAllocationTest {

    @Test
    void steadyStateGemmDoesNotAllocate() {
        BlasTestSupport.requireOpenBlas();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter");
        try (Backend blas = new BlasBackend(1, new ScalarBackend(), true, false)) {
            float[] a = new float[8 * 8 + 1], b = new float[8 * 8 + 1], c = new float[8 * 8 + 1];
            Runnable call = () -> {
                blas.gemm(false, true, 8, 8, 8, 1f, a, 1, 8, b, 1, 8, 0f, c, 1, 8);
                blas.gemm(true, false, 1, 8, 8, 1f, a, 0, 1, b, 0, 8, 0f, c, 0, 8);   // gemv path
            };
            long tid = Thread.currentThread().threadId();
            long perCall = Long.MAX_VALUE;
            // C2 compiles the call path after some thousands of calls; retry a few rounds rather than guess when
            for (int round = 0; round < 20 && perCall > 0; round++) {
                for (int i = 0; i < 20_000; i++) call.run();
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 10_000; i++) call.run();
                perCall = (mx.getThreadAllocatedBytes(tid) - before) / 10_000;
            }
            assertTrue(perCall == 0, "BLAS gemm allocates " + perCall + " bytes per call in steady state");
        }
    }
}
