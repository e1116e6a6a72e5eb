package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * One-row products with op(B) as it lies ({@link BlockedGemm#oneRow}: {@link OneRow}, op(B) streamed whole rows at a
 * time) against the packed path, bitwise: both compute each element as one FMA chain over p ascending from zero within
 * the same K blocks and store alpha·acc or fma(acc, alpha, beta·C), so any difference is a bug. Every width's table
 * and AMD's one-pass tables, NN and TN, N of whole vectors and not (the last lanes), K within one block, of several
 * and shorter than the four-row step, alpha 1 and 0.5, beta 0 over NaN in C, 1 and -0.5, offsets and padded leading
 * dimensions with C's padding checked untouched; on two threads past the parallel bound too (a range of columns each); NaN and infinity in
 * op(B) reach C as they do on the packed path; and the rule on shapes either side of its bounds.
 */
class OneRowTest {
    @Test
    void oneRowProductsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(61);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                int lanes = blk.bits() / 32, least = (blk.bits() == 512 ? BlockedGemm.ONE_ROW_MIN_VECTORS_512 : BlockedGemm.ONE_ROW_MIN_VECTORS) * lanes;
                for (int n : new int[] {least, least + 1, least + lanes - 1, 2 * least + 3, 1000}) {
                    for (int k : new int[] {1, 3, 4, 7, 64, 333, blk.kc() + 5, blk.kcOnePass() + 1, 2049}) {
                        boolean ta = rng.nextBoolean();
                        assertTrue(library.oneRow(false, 1, n), blk + " 1x" + n + "x" + k);
                        AgainstPackedPath.check(blk.toString(), packed, library, ta, false, 1, n, k,
                                rng.nextInt(3) == 0 ? 0.5f : 1f, new float[] {0f, 1f, -0.5f}[rng.nextInt(3)], rng);
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases >= 250, "only " + cases + " products");
    }

    @Test
    void pastTheParallelBoundEachThreadStreamsItsColumnsWithThePackedPathsBits() {
        SplittableRandom rng = new SplittableRandom(67);
        try (Dispatcher two = new Dispatcher(2)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(128, 256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, two, 1); // every product past the parallel bound
                BlockedGemm packed = new BlockedGemm(blk, two, 1, 0);
                int lanes = blk.bits() / 32, least = (blk.bits() == 512 ? BlockedGemm.ONE_ROW_MIN_VECTORS_512 : BlockedGemm.ONE_ROW_MIN_VECTORS) * lanes;
                for (int n : new int[] {least, least + 3, 1000}) {
                    assertTrue(library.oneRowParts(n) == 2, blk + " 1x" + n + ": one column range per thread");
                    for (int k : new int[] {300, 2049}) {
                        AgainstPackedPath.check(blk + " 2 threads", packed, library, rng.nextBoolean(), false, 1, n, k, 1f,
                                new float[] {0f, 1f}[rng.nextInt(2)], rng);
                    }
                }
            }
        }
    }

    @Test
    void nanAndInfinityInOpBReachCAsOnThePackedPath() {
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                int n = (blk.bits() == 512 ? BlockedGemm.ONE_ROW_MIN_VECTORS_512 * 16 : BlockedGemm.ONE_ROW_MIN_VECTORS * 8) + 5, k = 9;
                float[] a = new float[k], b = new float[k * n];
                SplittableRandom rng = new SplittableRandom(7);
                for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
                b[3 * n + 2] = Float.NaN;            // a whole vector's column
                b[5 * n + n - 1] = Float.POSITIVE_INFINITY; // the last column, in the register vector ending at n
                b[6 * n + n - 1] = Float.NEGATIVE_INFINITY; // ... Inf - Inf: NaN
                b[8 * n + n - 2] = Float.POSITIVE_INFINITY;
                float[] want = new float[n], got = new float[n];
                packed.gemm(false, false, 1, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
                library.gemm(false, false, 1, n, k, 1f, a, 0, k, b, 0, n, 0f, got, 0, n);
                assertTrue(Float.isNaN(got[2]) && Float.isNaN(got[n - 1]) && Float.isInfinite(got[n - 2]), blk.toString());
                assertArrayEquals(want, got, blk.toString());
            }
        }
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking amd512 = GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true);
            BlockedGemm g = new BlockedGemm(amd512, d, Long.MAX_VALUE);
            assertTrue(g.oneRow(false, 1, 512), "512 columns at 512 bits");
            assertFalse(g.oneRow(false, 1, 511), "511 columns: the 1-row tiles");
            assertFalse(g.oneRow(true, 1, 4096), "op(B) transposed");
            assertFalse(g.oneRow(false, 2, 4096), "two rows");
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, 0).oneRow(false, 1, 4096), "smallMaxB 0: off");
            BlockedGemm avx2 = new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE);
            assertTrue(avx2.oneRow(false, 1, 32), "256 bits: from 4 vectors");
            assertFalse(avx2.oneRow(false, 1, 31));
            BlockedGemm sse = new BlockedGemm(GemmBlocking.forBits(128), d, Long.MAX_VALUE);
            assertTrue(sse.oneRow(false, 1, 16), "128 bits: from 4 vectors");
            assertFalse(sse.oneRow(false, 1, 15));
        }
    }
}
