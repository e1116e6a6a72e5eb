package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.backend.vector.gemm.GemmBlocking;

/**
 * The vector GEMM against {@link ScalarBackend} for every vector width (128, 256 and 512 bits, whatever this
 * machine prefers), with the real blocking and with a tiny one that forces several NC, KC and MC blocks on small
 * shapes. Tolerance: both results are float sums of k products, each off from the exact value by at most
 * about k·2⁻²⁴·Σ|terms|, so they may differ by {@code 2·(k+2)·2⁻²⁴·(|alpha|·Σ_p|a_ip·b_pj| + |beta·c_ij|)},
 * checked per element.
 */
class GemmTest {
    private static final float SENTINEL = 12345.5f;
    private static final float[] SCALARS = {0f, 1f, -0.5f, 2f};
    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 37, 61, 127, 129};

    static Stream<Arguments> blockings() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : new int[] {128, 256, 512}) {
            GemmBlocking real = VectorBackend.blockingFor(bits);
            out.add(Arguments.of(real));
            // Tiny blocks: many NC/KC/MC iterations, partial blocks of every kind.
            out.add(Arguments.of(real.with(real.mr(), 8, 2 * real.mr(), 2 * real.nr())));
        }
        // the 256-bit 12 x 8 tile, kept for measurements (one vector of columns, fused stores, partial-row loops)
        GemmBlocking twelve = VectorBackend.blockingFor(256).with(12, 768, 504, 2728);
        out.add(Arguments.of(twelve));
        out.add(Arguments.of(twelve.with(12, 8, 24, 16)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockings")
    void matchesScalarOnRandomShapes(GemmBlocking blocking) {
        SplittableRandom rng = new SplittableRandom(blocking.hashCode());
        try (Backend vb = VectorBackend.create(2, blocking)) {
            int cases = 0;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (int t = 0; t < 12; t++) {
                        int m = pick(rng), n = pick(rng), k = t == 0 ? 0 : t == 1 ? 1 : pick(rng);
                        float alpha = SCALARS[rng.nextInt(4)], beta = SCALARS[rng.nextInt(4)];
                        if (t == 2) { alpha = 1f; beta = 0f; }
                        check(vb, ta, tb, m, n, k, alpha, beta, rng.nextInt(3), rng);
                        cases++;
                    }
                }
            }
            assertEquals(48, cases);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockings")
    void namedEdgeShapes(GemmBlocking blocking) {
        SplittableRandom rng = new SplittableRandom(7);
        int[][] shapes = {{1, 1, 1}, {1, 129, 33}, {129, 1, 33}, {33, 17, 1}, {16, 16, 16}, {17, 31, 15}, {127, 129, 2}, {5, 3, 0}, {0, 5, 3}, {4, 0, 2}};
        try (Backend vb = VectorBackend.create(1, blocking)) {
            for (int[] s : shapes) {
                for (int tr = 0; tr < 4; tr++) {
                    check(vb, (tr & 1) != 0, (tr & 2) != 0, s[0], s[1], s[2], -0.5f, 2f, 1 + tr, rng);
                    check(vb, (tr & 1) != 0, (tr & 2) != 0, s[0], s[1], s[2], 2f, 0f, tr, rng);
                }
            }
        }
    }

    @Test
    void largerShapesAgainstScalar() {
        SplittableRandom rng = new SplittableRandom(11);
        try (Backend vb = VectorBackend.create(2)) {
            check(vb, false, true, 130, 257, 300, 1f, 0f, 0, rng);
            check(vb, true, false, 257, 131, 129, 1f, 1f, 3, rng);
            check(vb, false, false, 67, 600, 513, -0.5f, -0.5f, 1, rng);
        }
    }

    private static int pick(SplittableRandom rng) {
        return SIZES[rng.nextInt(SIZES.length)];
    }

    /**
     * One call against the oracle. The operands sit at offsets with leading dimensions {@code extra} wider than
     * their rows; C's gaps and its surroundings hold a sentinel that must survive; with beta 0, C's own elements
     * start as NaN (a kernel that reads them would spread the NaN).
     */
    static void check(Backend vb, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int extra,
                      SplittableRandom rng) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = Math.max(1, aCols + extra), ldb = Math.max(1, bCols + extra), ldc = Math.max(1, n + extra);
        int aOff = extra * 3, bOff = extra * 5, cOff = extra * 2 + 1;
        float[] a = random(rng, aOff + aRows * lda + 2), b = random(rng, bOff + bRows * ldb + 2);
        float[] c = new float[cOff + m * ldc + 3];
        java.util.Arrays.fill(c, SENTINEL);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = beta == 0f ? Float.NaN : (float) (rng.nextDouble() * 2 - 1);
        }
        float[] want = c.clone(), got = c.clone();
        ScalarBackend.create().gemm().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
        if (beta == 0f) { // the oracle computes alpha·acc + 0·NaN? No: it skips C when beta is 0. Sanity-check that.
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) assertTrue(!Float.isNaN(want[cOff + i * ldc + j]));
        }
        vb.gemm().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        String where = String.format("%s m=%d n=%d k=%d ta=%b tb=%b alpha=%s beta=%s extra=%d", ((BlockedGemm) vb.gemm()).blocking(), m, n, k, ta, tb, alpha, beta, extra);
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                if (got[idx] != SENTINEL) fail(where + ": element " + idx + " outside C was overwritten with " + got[idx]);
                continue;
            }
            int i = rel / ldc, j = rel % ldc;
            double absSum = 0;
            for (int p = 0; p < k; p++) {
                float av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                absSum += Math.abs((double) av * bv);
            }
            double cAbs = beta == 0f ? 0 : Math.abs((double) beta * c[idx]);
            double tol = 2.0 * (k + 2) * Math.ulp(1f) / 2 * (Math.abs(alpha) * absSum + cAbs) + 1e-30;
            if (!(Math.abs(got[idx] - want[idx]) <= tol)) {
                fail(where + ": C[" + i + "," + j + "] = " + got[idx] + ", scalar oracle " + want[idx] + " (tolerance " + tol + ")");
            }
        }
    }

    static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void bitwiseIdenticalForOneTwoAndEightThreads() {
        SplittableRandom rng = new SplittableRandom(3);
        for (GemmBlocking blk : new GemmBlocking[] {VectorBackend.blockingFor(512), VectorBackend.blockingFor(256),
                VectorBackend.blockingFor(256).with(6, 32, 24, 64)}) {
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                int m = 203, n = 301, k = 290;
                float[] a = random(rng, m * k), b = random(rng, k * n), c0 = random(rng, m * n);
                float[] first = null;
                for (int threads : new int[] {1, 2, 8}) {
                    float[] c = c0.clone();
                    try (Backend vb = VectorBackend.create(threads, blk)) {
                        vb.gemm().gemm(ta, tb, m, n, k, 0.75f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.5f, c, 0, n);
                    }
                    if (first == null) first = c;
                    else assertArrayEquals(first, c, blk + " transA=" + ta + " transB=" + tb + " threads=" + threads);
                }
            }
        }
    }

    /**
     * One row block (m <= MC: each B micro-panel packed just before its kernels, serial or one panel group per thread)
     * and several row blocks (B packed whole per KC stage, shared by the row blocks) must give the same bits: only
     * KC splits an element's sum. K spans three KC blocks, n ends in a partial panel.
     */
    @Test
    void oneRowBlockAndStagedPathsGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int bits : new int[] {128, 256, 512}) {
            GemmBlocking real = VectorBackend.blockingFor(bits);
            GemmBlocking oneBlock = real.with(real.mr(), 32, 20 * real.mr(), 4 * real.nr());
            GemmBlocking staged = real.with(real.mr(), 32, 2 * real.mr(), 4 * real.nr());
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                int m = 5 * real.mr() + 3, n = 9 * real.nr() + 5, k = 3 * 32 - 7;
                float[] a = random(rng, m * k), b = random(rng, k * n), c0 = random(rng, m * n);
                float[] first = null;
                for (GemmBlocking blk : new GemmBlocking[] {oneBlock, staged}) {
                    for (int threads : new int[] {1, 2}) {
                        float[] c = c0.clone();
                        try (org.vectorgrad.parallel.Dispatcher d = new org.vectorgrad.parallel.Dispatcher(threads)) {
                            // parallel from any size, no small path: the packed paths are what is compared
                            new BlockedGemm(blk, d, 0, 0).gemm(ta, tb, m, n, k, 1.25f, a, 0, ta ? m : k, b, 0, tb ? k : n, -0.5f, c, 0, n);
                        }
                        if (first == null) first = c;
                        else assertArrayEquals(first, c, blk + " transA=" + ta + " transB=" + tb + " threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsNameTheShapes() {
        try (Backend vb = VectorBackend.create(1)) {
            float[] a = new float[12], b = new float[12], c = new float[9];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vb.gemm().gemm(false, false, 3, 3, 4, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3));
            assertTrue(e.getMessage().contains("lda=3") && e.getMessage().contains("m=3 n=3 k=4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> vb.gemm().gemm(false, false, 3, 3, 4, 1f, a, 0, 4, new float[11], 0, 3, 0f, c, 0, 3));
            assertTrue(e.getMessage().contains("B needs elements [0, 12)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> vb.gemm().gemm(false, false, -1, 3, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 3));
        }
    }
}
