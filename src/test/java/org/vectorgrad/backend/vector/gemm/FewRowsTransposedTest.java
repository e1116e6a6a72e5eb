package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                            AgainstPackedPath.check(blk.toString(), packed, library, false, true, m, n, k,
                                    rng.nextBoolean() ? 1f : 0.7f, new float[] {0f, 1f, -0.5f}[rng.nextInt(3)], rng);
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

}
