package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Products of one or two columns computed through their transpose ({@link BlockedGemm#fewColumns}: C = A·op(B) as
 * Cᵀ = op(B)ᵀ·Aᵀ through {@link FewRowsTransposed}) against the packed path, bitwise: both compute each element as
 * one FMA chain over the packed path's K blocks (a·b = b·a exactly) and store with its formulas, so any difference
 * is a bug. 512-bit tables (the default and AMD's one-pass one), NN and NT, M and K not whole blocks, K past one
 * pass, alpha 1 and 0.7, beta 0 over NaN, 1 and -0.5; padded leading dimensions (C and op(B)ᵀ through copies) and
 * the contiguous ones that skip the copies (ldc 1, ldb 1).
 */
class FewColumnsTest {
    private static final GemmBlocking[] TABLES = {GemmBlocking.forBits(512), GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true)};

    @Test
    void fewColumnsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(83);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : TABLES) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int m : new int[] {32, 33, 100, 257}) {
                    for (int n : new int[] {1, 2}) {
                        for (int k : new int[] {16, 17, 100, blk.kc() + 3, blk.kcOnePass() + 1, 2000}) {
                            for (boolean tb : new boolean[] {false, true}) {
                                assertTrue(library.fewColumns(false, tb, m, n, k), m + "x" + n + "x" + k + ": the rule");
                                float alpha = rng.nextBoolean() ? 1f : 0.7f, beta = new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                                AgainstPackedPath.check(blk.toString(), packed, library, false, tb, m, n, k, alpha, beta, rng);
                                contiguous(blk.toString(), packed, library, tb, m, n, k, alpha, beta, rng);
                                cases += 2;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 300, "only " + cases + " products");
    }

    @Test
    void productsPastOneChunkOfRowsGoByChunksWithTheSameBits() {
        SplittableRandom rng = new SplittableRandom(89);
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm library = new BlockedGemm(TABLES[0], d, Long.MAX_VALUE), packed = new BlockedGemm(TABLES[0], d, Long.MAX_VALUE, 0);
            int m = 2 * BlockedGemm.TRANSPOSED_CHUNK + 19;
            for (int n = 1; n <= 2; n++) {
                for (boolean tb : new boolean[] {false, true}) {
                    assertTrue(library.fewColumns(false, tb, m, n, 20));
                    AgainstPackedPath.check("chunks", packed, library, false, tb, m, n, 20, 1f, n == 1 ? 0f : -0.5f, rng);
                }
            }
        }
    }

    /** C with ldc = n and op(B)ᵀ's rows contiguous (ldb = 1 for an NN column), the layouts that skip the copies. */
    private static void contiguous(String what, BlockedGemm packed, BlockedGemm path, boolean tb, int m, int n, int k,
                                   float alpha, float beta, SplittableRandom rng) {
        int lda = k, ldb = tb ? k : n, ldc = n;
        float[] a = AgainstPackedPath.gaussian(rng, m * lda), b = AgainstPackedPath.gaussian(rng, (tb ? n : k) * ldb);
        float[] c0 = AgainstPackedPath.gaussian(rng, m * ldc);
        if (beta == 0f) Arrays.fill(c0, Float.NaN);
        float[] want = c0.clone(), got = c0.clone();
        packed.gemm(false, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, want, 0, ldc);
        path.gemm(false, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, got, 0, ldc);
        for (int i = 0; i < got.length; i++) {
            assertTrue(Float.isFinite(got[i]), what + " " + m + "x" + n + "x" + k + ": C[" + i + "] = " + got[i]);
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " " + m + "x" + n + "x" + k
                    + (tb ? " NT" : " NN") + " contiguous, beta " + beta + ": C[" + i + "]");
        }
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm g = new BlockedGemm(TABLES[1], d, Long.MAX_VALUE);
            assertTrue(g.fewColumns(false, true, 128, 1, 64), "a regression head's forward at batch 128");
            assertTrue(g.fewColumns(false, false, 32, 2, 16));
            assertFalse(g.fewColumns(false, true, 128, 3, 64), "three columns");
            assertFalse(g.fewColumns(true, true, 128, 1, 64), "A transposed: its rows are not op(A)'s");
            assertFalse(g.fewColumns(false, true, 31, 1, 64), "fewer rows than NR");
            assertFalse(g.fewColumns(false, true, 128, 1, 15), "K under 16");
            assertFalse(new BlockedGemm(TABLES[1], d, Long.MAX_VALUE, 0).fewColumns(false, true, 128, 1, 64), "smallMaxB 0: off");
            assertFalse(new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE).fewColumns(false, true, 128, 1, 64), "not at 256 bits");
        }
    }
}
