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
 * {@link BlockedGemm#rowRanges}: a parallel product of several row blocks and one column block runs ranges of row
 * micro-panels on the threads, each thread packing op(B) itself (docs/decisions.md §2ae): with one KC stage as guided
 * chunks claimed as threads come free ({@link BlockedGemm#guidedChunks}, §2bj), with several as one range per thread.
 * It must give one thread's bits (the staged path there) and the oracle's values.
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

    @Test
    void guidedChunksCoverEveryMicroPanelOnceShrinkingToOne() {
        for (int threads = 1; threads <= 4; threads++) {
            for (int panels = 1; panels <= 200; panels++) {
                int[] bounds = new int[panels + 1];
                int chunks = BlockedGemm.guidedChunks(panels, threads, bounds);
                assertEquals(0, bounds[0]);
                assertEquals(panels, bounds[chunks], panels + " micro-panels, " + threads + " threads");
                assertEquals((panels + 2 * threads - 1) / (2 * threads), bounds[1], "the first chunk: a 2T-th of the work");
                for (int c = 0; c < chunks; c++) {
                    int size = bounds[c + 1] - bounds[c];
                    assertTrue(size >= 1, "an empty chunk at " + c);
                    if (c > 0) assertTrue(size <= bounds[c] - bounds[c - 1], "chunks must not grow: " + c);
                }
                if (panels >= 2 * threads) assertEquals(1, bounds[chunks] - bounds[chunks - 1], "the last chunk is one micro-panel");
            }
        }
    }

    /**
     * One KC stage (the guided chunks): ten or more row micro-panels, so each thread claims several chunks of
     * different sizes; every transpose case and width, 1 to 3 threads bitwise against one, then the same backend on
     * a second op(B) (a thread's packed op(B) from the first call must not be reused), a product on the one-row-block
     * path (which packs other panels into the same buffer) and the first product again.
     */
    @Test
    void guidedChunksGiveTheOneThreadBitsAndRepackEachCall() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int bits : new int[] {128, 256, 512}) {
            GemmBlocking real = VectorBackend.blockingFor(bits);
            GemmBlocking blk = real.with(real.mr(), 64, 2 * real.mr(), 16 * real.nr());
            int m = 11 * real.mr() + 5, n = 7 * real.nr() + 3, k = 64 - 9;
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                int lda = ta ? m : k, ldb = tb ? k : n;
                float[] a = random(rng, m * k), b1 = random(rng, k * n), b2 = random(rng, k * n), c0 = random(rng, m * n);
                float[] a1 = random(rng, real.mr() * k); // a one-row-block product's op(A): mr rows
                float[][] want = new float[2][];
                try (Dispatcher d = new Dispatcher(1)) {
                    BlockedGemm one = new BlockedGemm(blk, d, 0, 0);
                    for (int q = 0; q < 2; q++) {
                        want[q] = c0.clone();
                        one.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, q == 0 ? b1 : b2, 0, ldb, 0.5f, want[q], 0, n);
                    }
                }
                for (int threads : new int[] {2, 3}) {
                    try (Dispatcher d = new Dispatcher(threads)) {
                        BlockedGemm g = new BlockedGemm(blk, d, 0, 0);
                        String at = bits + " bits, transA=" + ta + " transB=" + tb + ", " + threads + " threads";
                        float[] c = c0.clone();
                        g.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b1, 0, ldb, 0.5f, c, 0, n);
                        assertArrayEquals(want[0], c, at);
                        c = c0.clone();
                        g.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b2, 0, ldb, 0.5f, c, 0, n);
                        assertArrayEquals(want[1], c, at + ", a second op(B)");
                        float[] small = new float[real.mr() * n];
                        g.gemm(ta, tb, real.mr(), n, k, 1f, a1, 0, ta ? real.mr() : k, b2, 0, ldb, 0f, small, 0, n);
                        c = c0.clone();
                        g.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b1, 0, ldb, 0.5f, c, 0, n);
                        assertArrayEquals(want[0], c, at + ", after a one-row-block product");
                    }
                }
            }
        }
    }
}
