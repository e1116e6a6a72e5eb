package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Products of few rows with op(B) as it lies and past the small-product bound ({@link BlockedGemm#fewRowsUnpacked}:
 * the unpacked path) against the packed path, bitwise: with K within one KC block both compute each element as one
 * FMA chain over p ascending from zero and store alpha·acc or acc + beta·C, so any difference is a bug. Every
 * width's table and AMD's one-pass tables, NN and TN, odd M, N and K, offsets, padded leading dimensions, beta 0 over
 * NaN in C, beta 1 and -0.5, with C's padding checked untouched; and the rule on shapes either side of each bound.
 * Few rows with K past one KC block ({@link BlockedGemm#unpackedDeep}) likewise, block by block against the
 * packed path's K blocks.
 */
class FewRowsUnpackedTest {
    @Test
    void fewRowsPastTheSmallBoundEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(47);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int m : new int[] {1, 2, 3, 5, 7, 12, 13, 25, 47, 64}) {
                    for (int n : new int[] {blk.nr(), 257, 1000, 2051}) {
                        for (int k : new int[] {17, 64, 129, blk.kc()}) {
                            boolean ta = rng.nextBoolean();
                            if ((long) n * k <= BlockedGemm.SMALL_MAX_B || !library.fewRowsUnpacked(false, m, n, k)) continue;
                            AgainstPackedPath.check(blk.toString(), packed, library, ta, false, m, n, k,
                                    rng.nextInt(4) == 0 ? 0.5f : 1f, new float[] {0f, 1f, -0.5f}[rng.nextInt(3)], rng);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 150, "only " + cases + " products took the few-rows unpacked path");
    }

    @Test
    void fewRowsWithKPastOneKcBlockEqualThePackedPathBitwise() {
        // BlockedGemm#unpackedDeep: the packed path's K blocks (one up to kcOnePass, else balanced KC-deep ones), the
        // first stored as acc (or acc + beta·C), every other as acc + C, as the packed path's fma(acc, 1, C) stores
        SplittableRandom rng = new SplittableRandom(53);
        int cases = 0, multiBlock = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int m : new int[] {1, 2, 3, 6, 7, 12, 13, 33}) {
                    for (int n : new int[] {blk.nr(), blk.nr() + 3, 100, 515}) {
                        for (int k : new int[] {blk.kc() + 1, blk.kcOnePass(), blk.kcOnePass() + 1, 1537, 2049}) {
                            boolean ta = rng.nextBoolean();
                            if (!library.unpackedDeep(false, m, n, k)) continue;
                            AgainstPackedPath.check(blk.toString(), packed, library, ta, false, m, n, k,
                                    1f, new float[] {0f, 1f, -0.5f}[rng.nextInt(3)], rng);
                            cases++;
                            if (library.kBlocks(k) > 1) multiBlock++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 150 && multiBlock >= 60, "only " + cases + " products (" + multiBlock + " of several K blocks) took the path");
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking amd512 = GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true);
            BlockedGemm g = new BlockedGemm(amd512, d, Long.MAX_VALUE);
            assertTrue(g.fewRowsUnpacked(false, 10, 256, 128), "a 10-class output layer's weight gradient");
            assertTrue(g.unpacked(false, 10, 256, 128), "... is the small-product rule's");
            assertTrue(g.fewRowsUnpacked(false, 64, 512, 256), "64 rows, op(B) 128 K floats");
            assertFalse(g.fewRowsUnpacked(false, 65, 512, 256), "65 rows");
            assertFalse(g.fewRowsUnpacked(true, 10, 256, 128), "op(B) transposed: its copy costs what packing does");
            assertFalse(g.fewRowsUnpacked(false, 10, 31, 128), "narrower than NR: the narrow rule's");
            assertFalse(g.fewRowsUnpacked(false, 10, 256, 513), "K past KC: block by block instead");
            assertTrue(g.unpackedDeep(false, 10, 255, 513), "K past KC, within one pass: one block of 513 x 255 floats");
            assertFalse(g.unpackedDeep(false, 10, 256, 513), "513 x 256 floats (past 128 K) in two row blocks");
            assertTrue(g.unpackedDeep(false, 6, 256, 513), "... but in one");
            assertTrue(g.unpackedDeep(false, 1, 512, 784), "one sample's input gradient of a 784 -> 512 layer");
            assertTrue(g.unpackedDeep(false, 3, 1000, 3000), "three blocks of 1000");
            assertFalse(g.unpackedDeep(true, 1, 512, 784), "op(B) transposed");
            assertFalse(g.unpackedDeep(false, 65, 512, 784), "65 rows");
            assertFalse(g.unpackedDeep(false, 32, 4096, 784), "op(B) past 128 K floats streamed by several row blocks");
            assertFalse(g.unpackedDeep(false, 1, 512, 512), "K within KC: the plain rules");
            // op(B) past 128 K floats: only when one row block reads it once (K 512: 6-row blocks)
            assertTrue(g.fewRowsUnpacked(false, 6, 4096, 512));
            assertFalse(g.fewRowsUnpacked(false, 7, 4096, 512));
            assertEquals(1, new SmallGemm(512).rowBlocks(6, 4096, 512));
            assertEquals(2, new SmallGemm(512).rowBlocks(7, 4096, 512));
            assertFalse(g.fewRowsUnpacked(false, 32, 4096, 512), "six row blocks over 8 MB");
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, 0).fewRowsUnpacked(false, 10, 256, 128), "smallMaxB 0: off");
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, BlockedGemm.SMALL_MAX_B, 10L * 256 * 128 - 1)
                    .fewRowsUnpacked(false, 10, 256, 128), "past smallMaxWork");
            BlockedGemm avx2 = new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE);
            assertTrue(avx2.fewRowsUnpacked(false, 12, 512, 256));
            assertFalse(avx2.fewRowsUnpacked(false, 13, 512, 256), "256 bits: at most 12 rows");
            assertTrue(avx2.unpackedDeep(false, 6, 512, 784), "256 bits: two K blocks of 392");
            assertFalse(avx2.unpackedDeep(false, 13, 512, 784), "256 bits: at most 12 rows, at any depth");
            assertTrue(new BlockedGemm(GemmBlocking.forBits(128), d, Long.MAX_VALUE).fewRowsUnpacked(false, 64, 512, 256));
        }
    }
}
