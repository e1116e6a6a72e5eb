package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Products with A transposed and a narrow op(B) computed through their transpose ({@link BlockedGemm#narrowTransposed}:
 * C = Aᵀ·B as Cᵀ = Bᵀ·A by {@link NarrowTransposed}, then transposed into C) against the packed path, bitwise: both compute
 * each element as one FMA chain over p ascending from zero (a·b = b·a exactly) and store alpha·acc, so any difference
 * is a bug. Every width's table and AMD's one-pass tables, N from 1 to NR - 1, M not whole vectors, K from 1 to KC,
 * offsets, padded leading dimensions, NaN in C under beta 0, with C's padding checked untouched; beta other than 0
 * (C read) stays on the other paths and is checked against the packed path too.
 */
class NarrowTransposedTest {
    private static final float[] ALPHAS = {1f, 0.7f, -1.3f}; // not only powers of two: alpha·acc must round

    @Test
    void narrowWeightGradientsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(59);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int m : new int[] {7, 8, 9, 15, 16, 17, 31, 33, 40, 63, 100, 301}) {
                    for (int n : new int[] {1, 2, 3, 4, 5, 8, 9, 10, 14, blk.nr() - 1}) {
                        for (int k : new int[] {1, 5, 128, blk.kc()}) {
                            boolean picked = library.narrowTransposed(true, false, m, n, k);
                            int minRows = blk.bits() == 256 ? BlockedGemm.NARROW_TRANSPOSED_MIN_ROWS_256 : BlockedGemm.NARROW_TRANSPOSED_MIN_ROWS;
                            if (blk.bits() == 128 || m < minRows) assertFalse(picked, blk + " " + m + "x" + n + "x" + k + ": the rule");
                            if (blk.bits() == 512 && m < 32 && n > 24) assertFalse(picked, blk + " " + m + "x" + n + "x" + k + ": the rule");
                            float beta = picked ? 0f : new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                            AgainstPackedPath.check(blk.toString(), packed, library, true, false, m, n, k,
                                    ALPHAS[rng.nextInt(ALPHAS.length)], beta, rng);
                            if (picked) cases++;
                            if (picked && rng.nextInt(4) == 0) { // C read: not this path, still the packed path's bits
                                AgainstPackedPath.check(blk.toString(), packed, library, true, false, m, n, k, 1f, 0.5f, rng);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 100, "only " + cases + " products went through their transpose");
    }

    @Test
    void productsPastOneChunkOfRowsGoByChunksWithTheSameBits() {
        SplittableRandom rng = new SplittableRandom(61);
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE), packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                // the last chunk 37 rows, then 5: narrower than a vector, so it starts earlier and repeats rows
                for (int m : new int[] {2 * BlockedGemm.TRANSPOSED_CHUNK + 37, BlockedGemm.TRANSPOSED_CHUNK + 5}) {
                    assertTrue(library.narrowTransposed(true, false, m, 3, 20));
                    AgainstPackedPath.check(blk.toString(), packed, library, true, false, m, 3, 20, 0.7f, 0f, rng);
                }
            }
        }
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking amd512 = GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true);
            BlockedGemm g = new BlockedGemm(amd512, d, Long.MAX_VALUE);
            assertTrue(g.narrowTransposed(true, false, 64, 10, 128), "Dense(10 -> 64)'s weight gradient at batch 128");
            assertTrue(g.narrowTransposed(true, false, 40, 31, 128));
            assertTrue(g.narrowTransposed(true, false, 16, 4, 128), "Dense(4 -> 16)'s weight gradient");
            assertFalse(g.narrowTransposed(true, false, 15, 10, 128), "fewer rows than a vector");
            assertTrue(g.narrowTransposed(true, false, 16, 24, 128));
            assertFalse(g.narrowTransposed(true, false, 16, 25, 128), "512 bits: under two vectors of rows and most of a panel's columns");
            assertFalse(g.narrowTransposed(true, false, 31, 31, 128));
            assertTrue(g.narrowTransposed(true, false, 32, 31, 128), "two vectors of rows");
            assertFalse(g.narrowTransposed(true, false, 64, 32, 128), "op(B) a whole NR panel");
            assertFalse(g.narrowTransposed(false, false, 64, 10, 128), "A as it lies");
            assertFalse(g.narrowTransposed(true, true, 64, 10, 128), "B transposed");
            assertTrue(g.narrowTransposed(true, false, 64, 10, 784), "K within AMD's one pass (1024): one chain per element");
            assertFalse(g.narrowTransposed(true, false, 64, 10, 1025), "K past one pass: K blocks");
            assertFalse(new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE).narrowTransposed(true, false, 64, 10, GemmBlocking.forBits(512).kcOnePass() + 1),
                    "K past the default table's one pass");
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, 0).narrowTransposed(true, false, 64, 10, 128), "smallMaxB 0: off");
            BlockedGemm avx2 = new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE);
            assertTrue(avx2.narrowTransposed(true, false, 8, 10, 128));
            assertFalse(avx2.narrowTransposed(true, false, 7, 10, 128), "256 bits: from 8 rows");
            assertFalse(new BlockedGemm(GemmBlocking.forBits(128), d, Long.MAX_VALUE).narrowTransposed(true, false, 64, 4, 128),
                    "not at 128 bits");
        }
    }
}
