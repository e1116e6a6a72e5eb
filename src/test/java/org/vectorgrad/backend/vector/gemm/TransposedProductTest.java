package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Products computed through their transpose ({@link BlockedGemm#transposedFirst}: C = A·Bᵀ with a few whole vectors
 * of rows, as Cᵀ = B·Aᵀ on the unpacked path, then transposed into C) against the packed path, bitwise: both compute
 * each element as one FMA chain over p ascending from zero (a·b = b·a exactly) and store alpha·acc, so any
 * difference is a bug. Every width's table, the AMD tables whose K goes one pass up to 1024, odd N and K, offsets,
 * padded leading dimensions, NaN in C under beta 0, with C's padding checked untouched.
 */
class TransposedProductTest {
    private static final float[] ALPHAS = {1f, 0.7f, -1.3f}; // not only powers of two: alpha·acc must round

    @Test
    void transposedProductsEqualThePackedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(77);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(256, 512)) {
                int lanes = blk.bits() / 32;
                BlockedGemm transposed = new BlockedGemm(blk, d, Long.MAX_VALUE, BlockedGemm.SMALL_MAX_B, Long.MAX_VALUE, true,
                        Integer.MAX_VALUE, 0, true);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int vectors = 1; vectors * lanes <= 64; vectors++) {
                    int m = vectors * lanes;
                    for (int n : new int[] {97, 200, 513}) {
                        for (int k : new int[] {37, 200, blk.kcOnePass()}) {
                            if ((long) k * n <= BlockedGemm.SMALL_MAX_B) continue; // the plain unpacked path's
                            boolean picked = transposed.transposedFirst(false, true, m, n, k);
                            assertEquals(m <= 4 * lanes && !(blk.bits() == 256 && m > 16), picked,
                                    blk + " " + m + "x" + n + "x" + k + " NT: the rule");
                            if (!picked) continue;
                            AgainstPackedPath.check(blk.toString(), packed, transposed, false, true, m, n, k,
                                    ALPHAS[rng.nextInt(ALPHAS.length)], 0f, rng);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 40, "only " + cases + " products went through their transpose");
    }

    @Test
    void productsPastOneChunkOfColumnsGoByChunksWithTheSameBits() {
        SplittableRandom rng = new SplittableRandom(79);
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(256, 512)) {
                BlockedGemm library = new BlockedGemm(blk, d, Long.MAX_VALUE), packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                int m = blk.bits() / 32, n = 2 * BlockedGemm.TRANSPOSED_CHUNK + 5;
                assertTrue(library.transposedFirst(false, true, m, n, 37), blk + ": the rule");
                AgainstPackedPath.check(blk.toString(), packed, library, false, true, m, n, 37, 0.7f, 0f, rng);
            }
        }
    }

    @Test
    void theRuleIsAPureFunctionOfTheShapeAndTheTable() {
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking amd512 = GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 32 << 20, false, true);
            BlockedGemm g = new BlockedGemm(amd512, d, Long.MAX_VALUE);
            // the library's table turns the path on at 512 bits; a dense layer's forward with a batch of 16-64 rows
            assertTrue(BlockedGemm.transposedProducts(amd512));
            for (int m : new int[] {16, 32, 48, 64}) assertTrue(g.transposedFirst(false, true, m, 512, 784), m + "x512x784 NT");
            // not: rows past one column panel, rows not whole vectors, other transposes, K past one pass, small op(B)
            assertFalse(g.transposedFirst(false, true, 80, 512, 784));
            assertFalse(g.transposedFirst(false, true, 128, 512, 784));
            assertFalse(g.transposedFirst(false, true, 20, 512, 784));
            assertFalse(g.transposedFirst(false, true, 8, 512, 784));
            assertFalse(g.transposedFirst(false, false, 32, 512, 784));
            assertFalse(g.transposedFirst(true, true, 32, 512, 784));
            assertFalse(g.transposedFirst(false, true, 32, 512, 1025));
            assertFalse(g.transposedFirst(false, true, 32, 64, 128)); // op(B) 8 K floats: the plain unpacked path
            // the Xeon's default table goes one pass only to KC (512)
            BlockedGemm xeon = new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE);
            assertTrue(xeon.transposedFirst(false, true, 32, 512, 512));
            assertFalse(xeon.transposedFirst(false, true, 32, 512, 784));
            // 256 bits: up to two vectors (16 rows); 128 bits: off
            BlockedGemm narrow = new BlockedGemm(GemmBlocking.forCaches(256, 32 << 10, 512 << 10, 32 << 20, true, true), d, Long.MAX_VALUE);
            assertTrue(narrow.transposedFirst(false, true, 8, 1024, 256));
            assertTrue(narrow.transposedFirst(false, true, 16, 512, 512));
            assertFalse(narrow.transposedFirst(false, true, 32, 512, 512));
            assertFalse(new BlockedGemm(GemmBlocking.forBits(128), d, Long.MAX_VALUE).transposedFirst(false, true, 8, 512, 128));
            // the shorter constructors (tests and harnesses comparing paths) leave the path off
            assertFalse(new BlockedGemm(amd512, d, Long.MAX_VALUE, BlockedGemm.SMALL_MAX_B).transposedFirst(false, true, 32, 512, 784));
        }
    }

}
