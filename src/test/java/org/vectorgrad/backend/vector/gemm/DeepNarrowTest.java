package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Products of a narrow op(B) with K past one KC block ({@link BlockedGemm#unpackedDeep}: the unpacked path K block by
 * K block) against the packed path, bitwise: both cut K into the same blocks, compute each element of a block as one
 * FMA chain over p ascending from zero, and store acc (or acc + beta·C) after the first block and acc + C after
 * every other, so any difference is a bug. Every width's table and AMD's one-pass tables, every transpose case,
 * offsets, padded leading dimensions, beta 0 over NaN in C, beta 1 and -0.5, with C's padding checked untouched.
 */
class DeepNarrowTest {
    @Test
    void deepNarrowProductsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(31);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int n : new int[] {1, 2, 3, 7, 10, 15, 31}) {
                    for (int k : new int[] {blk.kc() + 1, blk.kcOnePass(), blk.kcOnePass() + 1, 1100, 2049, 3136}) {
                        for (int m : new int[] {1, 2, 5, 13, 31}) {
                            boolean picked = library.unpackedDeep(rng.nextBoolean(), m, n, k);
                            // (op(B) of NR columns or more, 10 to 31 at 128 bits, is FewRowsUnpackedTest's few-rows rule)
                            if (n < blk.nr()) {
                                assertEquals(k > blk.kc() && (long) (k + library.kBlocks(k) - 1) / library.kBlocks(k) * n <= BlockedGemm.SMALL_MAX_B
                                        && (blk.bits() != 256 || m <= BlockedGemm.NARROW_MAX_ROWS_256), picked, blk + " " + m + "x" + n + "x" + k + ": the rule");
                            }
                            if (!picked) continue;
                            AgainstPackedPath.check(blk.toString(), packed, library, rng.nextBoolean(), rng.nextBoolean(), m, n, k,
                                    1f, new float[] {0f, 1f, -0.5f}[rng.nextInt(3)], rng);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 300, "only " + cases + " products took the deep unpacked path");
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking amd512 = GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true);
            BlockedGemm g = new BlockedGemm(amd512, d, Long.MAX_VALUE);
            assertTrue(g.unpackedDeep(true, 1, 10, 3136));   // a narrow output layer's forward at batch 1
            assertTrue(g.unpackedDeep(true, 128, 10, 3136)); // and at batch 128
            assertTrue(g.unpackedDeep(false, 512, 31, 1025));
            assertTrue(g.unpackedDeep(true, 128, 10, 784), "K past KC, within one pass: one block");
            assertFalse(g.unpackedDeep(true, 1, 10, 512), "K within KC: the plain rules");
            assertFalse(g.unpackedDeep(true, 1, 32, 3136), "op(B) of a whole NR panel");
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, 0).unpackedDeep(true, 1, 10, 3136), "smallMaxB 0: off");
            BlockedGemm narrow = new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE);
            assertTrue(narrow.unpackedDeep(true, 31, 10, 3136));
            assertFalse(narrow.unpackedDeep(true, 32, 10, 3136), "256 bits: a narrow op(B) unpacked only up to 31 rows");
            assertFalse(narrow.unpackedDeep(true, 2, 16, 3136), "256 bits: 16 columns are a whole NR panel");
            // the per-block op(B) bound (the library's 16 K floats holds every narrow K block; a smaller one binds):
            // 3136 = 7 blocks of 448 rows
            BlockedGemm bound = new BlockedGemm(amd512, d, Long.MAX_VALUE, 8192);
            assertTrue(bound.unpackedDeep(true, 4, 18, 3136), "448 x 18 floats");
            assertFalse(bound.unpackedDeep(true, 4, 19, 3136), "448 x 19 floats");
        }
    }

}
