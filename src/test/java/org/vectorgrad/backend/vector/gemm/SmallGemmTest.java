package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The unpacked small-product path ({@link SmallGemm}) against the packed blocked path, bitwise: with k within
 * one KC block both compute each element as one FMA chain over p ascending from zero and store it with the same
 * formula, so any difference is a bug (odd sizes, vector tails, every transpose case, offsets and padded leading
 * dimensions, beta 0 with NaN in C, and every vector width's blocking).
 */
class SmallGemmTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47};
    private static final float[] SCALARS = {0f, 1f, -0.5f, 2f, 0.7f, -1.3f}; // not only powers of two: alpha·acc must round

    @Test
    void smallPathEqualsBlockedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(12);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int t = 0; t < 60; t++) {
                    int m = pick(rng), n = pick(rng), k = t % 10 == 0 ? blk.kc() : t % 10 == 1 ? 1 : pick(rng);
                    boolean ta = rng.nextBoolean(), tb = rng.nextBoolean();
                    float alpha = t == 2 ? 1f : SCALARS[rng.nextInt(SCALARS.length)], beta = t == 2 ? 0f : SCALARS[rng.nextInt(SCALARS.length)];
                    if (alpha == 0f) alpha = -0.5f; // alpha 0 never reaches either path
                    compare(small, packed, ta, tb, m, n, k, alpha, beta, rng.nextInt(3), rng);
                    cases++;
                }
            }
        }
        assertEquals(180, cases);
    }

    @Test
    void ruleSendsOnlySmallProductsWithinOneKcBlockToTheSmallPath() {
        // The rule itself: BlockedGemm.SMALL_MAX_WORK bounds m·n·k, and k must fit one KC block. A product above
        // either bound must still be right (it takes the packed path), checked against the scalar formula.
        SplittableRandom rng = new SplittableRandom(13);
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(256).with(4, 16, 8, 32);
            BlockedGemm g = new BlockedGemm(blk, d, Long.MAX_VALUE);
            assertTrue(BlockedGemm.SMALL_MAX_WORK >= 16 * 16 * 16, "16³ is small");
            assertTrue(SmallGemm.applies(16, 64, 16, 384, BlockedGemm.SMALL_MAX_WORK));
            assertTrue(!SmallGemm.applies(16, 16, 385, 384, Long.MAX_VALUE), "k beyond one KC block");
            assertTrue(!SmallGemm.applies(64, 64, 64, 384, BlockedGemm.SMALL_MAX_WORK), "64³ is not small");
            assertTrue(!SmallGemm.applies(128, 15, 16, 384, BlockedGemm.SMALL_MAX_WORK), "30720 scalar-column FMAs");
            // k = 17 > KC = 16: packed path with two KC blocks even though m·n·k is tiny
            float[] a = random(rng, 3 * 17), b = random(rng, 17 * 5), c = new float[15];
            g.gemm(false, false, 3, 5, 17, 1f, a, 0, 17, b, 0, 5, 0f, c, 0, 5);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 5; j++) {
                    float acc1 = 0f, acc2 = 0f;
                    for (int p = 0; p < 8; p++) acc1 = Math.fma(a[i * 17 + p], b[p * 5 + j], acc1);
                    for (int p = 8; p < 17; p++) acc2 = Math.fma(a[i * 17 + p], b[p * 5 + j], acc2);
                    // two KC blocks of 8 and 9 steps: C = 1·acc1, then C = fma(acc2, 1, 1·C)
                    assertEquals(Math.fma(acc2, 1f, acc1 * 1f), c[i * 5 + j], "C[" + i + "," + j + "]");
                }
            }
        }
    }

    private static void compare(BlockedGemm small, BlockedGemm packed, boolean ta, boolean tb, int m, int n, int k, float alpha,
                                float beta, int extra, SplittableRandom rng) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + extra, ldb = bCols + extra, ldc = n + extra, aOff = extra * 3, bOff = extra * 5, cOff = extra + 1;
        float[] a = random(rng, aOff + aRows * lda), b = random(rng, bOff + bRows * ldb);
        float[] c = new float[cOff + m * ldc];
        for (int i = 0; i < c.length; i++) c[i] = beta == 0f ? Float.NaN : (float) (rng.nextDouble() * 2 - 1);
        float[] want = c.clone(), got = c.clone();
        packed.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
        small.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        for (int i = 0; i < c.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                fail(String.format("%s m=%d n=%d k=%d ta=%b tb=%b alpha=%s beta=%s extra=%d: element %d small %s, packed %s",
                        small.blocking(), m, n, k, ta, tb, alpha, beta, extra, i, got[i], want[i]));
            }
        }
    }

    private static int pick(SplittableRandom rng) { return SIZES[rng.nextInt(SIZES.length)]; }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
