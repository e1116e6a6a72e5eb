package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * One or two rows of A times Bᵀ through {@link FewRowsTransposed} (B's 16 x 16 blocks transposed in registers)
 * against the packed path, bitwise: the same FMA chain per element within each of the packed path's K blocks and
 * the same store formulas, so any difference is a bug. The 512-bit tables (default and AMD's one pass up to 1024),
 * N past whole blocks of 16, K with a tail past whole blocks of 16 and past one pass, alpha 1 and not, beta 0 over NaN
 * in C, 1 and -0.5, offsets and padded leading dimensions, with C's padding checked untouched.
 */
class FewRowsTransposedTest {
    @Test
    void fewRowsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(41);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : List.of(GemmBlocking.forBits(512), GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true))) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int m = 1; m <= 2; m++) {
                    for (int n : new int[] {32, 33, 47, 100, 512}) {
                        for (int k : new int[] {16, 17, 31, 100, 784, blk.kcOnePass() + 5, 3136}) {
                            assertTrue(library.fewRowsTransposed(false, true, m, n, k) || library.unpacked(true, m, n, k),
                                    blk + " " + m + "x" + n + "x" + k + ": neither unpacked path");
                            if (!library.fewRowsTransposed(false, true, m, n, k)) continue;
                            float alpha = rng.nextBoolean() ? 1f : 0.7f, beta = new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                            int pad = rng.nextInt(3) * 3, off = rng.nextInt(4), lda = k + pad, ldb = k + pad + 1, ldc = n + pad;
                            float[] a = gaussian(rng, off + m * lda), b = gaussian(rng, off + n * ldb), c0 = gaussian(rng, off + m * ldc);
                            float[] want = c0.clone(), got = c0.clone();
                            if (beta == 0f) {
                                for (int i = 0; i < m; i++) Arrays.fill(want, off + i * ldc, off + i * ldc + n, Float.NaN);
                                for (int i = 0; i < m; i++) Arrays.fill(got, off + i * ldc, off + i * ldc + n, Float.NaN);
                            }
                            packed.gemm(false, true, m, n, k, alpha, a, off, lda, b, off, ldb, beta, want, off, ldc);
                            library.gemm(false, true, m, n, k, alpha, a, off, lda, b, off, ldb, beta, got, off, ldc);
                            for (int i = 0; i < got.length; i++) {
                                boolean inC = i >= off && (i - off) % ldc < n;
                                if (inC) assertTrue(Float.isFinite(got[i]), blk + " " + m + "x" + n + "x" + k + ": C[" + i + "] = " + got[i]);
                                else assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(got[i]), blk + ": padding at " + i + " written");
                                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                        blk + " " + m + "x" + n + "x" + k + " NT alpha " + alpha + " beta " + beta + " lda " + lda + ": C[" + i + "]");
                            }
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 100, "only " + cases + " products took the few-row path");
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm g = new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE);
            assertTrue(g.fewRowsTransposed(false, true, 1, 512, 784)); // a dense layer's forward on one sample
            assertTrue(g.fewRowsTransposed(false, true, 2, 32, 16));
            assertFalse(g.fewRowsTransposed(false, true, 3, 512, 784), "three rows: the packed path's tiles");
            assertFalse(g.fewRowsTransposed(false, false, 1, 512, 784), "B as it lies");
            assertFalse(g.fewRowsTransposed(true, true, 1, 512, 784), "A transposed");
            assertFalse(g.fewRowsTransposed(false, true, 1, 31, 784), "fewer columns than NR: the narrow paths");
            assertFalse(g.fewRowsTransposed(false, true, 1, 512, 15), "K below one block of 16");
            assertFalse(new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE, 0).fewRowsTransposed(false, true, 1, 512, 784),
                    "smallMaxB 0: every product packed");
            assertFalse(new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE).fewRowsTransposed(false, true, 1, 512, 784),
                    "256 bits: no 16 x 16 register transpose");
        }
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }
}
