package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarGemm;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.parallel.Dispatcher;

/**
 * {@link BlockedGemm#rowRanges}: a parallel product of several row blocks and one column block runs one contiguous
 * range of row blocks per thread, each thread packing op(B) itself (docs/decisions.md §2ae). It must give one thread's
 * bits (the staged path there) and the oracle's values.
 */
class RowRangesTest {
    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void theRuleNeedsOneColumnBlockAndTwoRowBlocksPerThread() {
        assertTrue(BlockedGemm.rowRanges(4, 1, 2));
        assertTrue(BlockedGemm.rowRanges(6, 1, 3));
        assertFalse(BlockedGemm.rowRanges(3, 1, 2), "fewer than two row blocks per thread: the staged path");
        assertFalse(BlockedGemm.rowRanges(8, 2, 2), "several column blocks: the staged path");
    }

    /**
     * Three row blocks of 2·MR rows (the parallel path makes them 4 on 2 threads and 6 on 3), N within one column
     * block and ending in a partial panel, K over three KC blocks (so every later block's beta of 1 matters), a short
     * last row block; all four transpose cases, every vector width's table.
     */
    @Test
    void rangesPerThreadGiveTheOneThreadBits() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int bits : new int[] {128, 256, 512}) {
            GemmBlocking real = VectorBackend.blockingFor(bits);
            GemmBlocking blk = real.with(real.mr(), 32, 2 * real.mr(), 16 * real.nr());
            int m = 5 * real.mr() + 3, n = 9 * real.nr() + 5, k = 3 * 32 - 7;
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                float[] a = random(rng, m * k), b = random(rng, k * n), c0 = random(rng, m * n);
                float[] want = c0.clone();
                new ScalarGemm().gemm(ta, tb, m, n, k, 1.25f, a, 0, ta ? m : k, b, 0, tb ? k : n, -0.5f, want, 0, n);
                float[] first = null;
                for (int threads : new int[] {1, 2, 3}) {
                    float[] c = c0.clone();
                    try (Dispatcher d = new Dispatcher(threads)) {
                        // parallel from any size, no small path: the packed paths are what is compared
                        new BlockedGemm(blk, d, 0, 0).gemm(ta, tb, m, n, k, 1.25f, a, 0, ta ? m : k, b, 0, tb ? k : n, -0.5f, c, 0, n);
                    }
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(want[i], c[i], 1e-4f * k, bits + " bits, transA=" + ta + " transB=" + tb + ", " + threads + " threads, at " + i);
                    }
                    if (first == null) first = c;
                    else assertArrayEquals(first, c, blk + " transA=" + ta + " transB=" + tb + ", " + threads + " threads");
                }
            }
        }
    }
}
