package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;

/** cblas_sgemm/sgemv through {@link org.vectorgrad.backend.blas.BlasGemm} against the scalar oracle. */
class BlasGemmTest {
    private BlasBackendFactory factory;
    private final Backend oracle = ScalarBackend.create();

    /** Per test, so that each one is reported as skipped (with the reason) when OpenBLAS is absent. */
    @BeforeEach
    void needsOpenBlas() { factory = BlasTestSupport.requireOpenBlas(); }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** One GEMM with random padding (offsets, ld > row length), compared with the oracle on the same C. */
    private void check(Backend blas, SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + r.nextInt(3), ldb = bCols + r.nextInt(3), ldc = n + r.nextInt(3);
        lda = Math.max(lda, 1); ldb = Math.max(ldb, 1); ldc = Math.max(ldc, 1);
        int aOff = r.nextInt(4), bOff = r.nextInt(4), cOff = r.nextInt(4);
        float[] a = random(r, aOff + aRows * lda + 3);
        float[] b = random(r, bOff + bRows * ldb + 3);
        float[] c0 = random(r, cOff + m * ldc + 3);
        if (beta == 0f) {   // beta == 0: C must not be read, NaN must not leak into the result
            for (int i = 0; i < m; i++) Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
        }
        float[] want = c0.clone(), got = c0.clone();
        oracle.gemm().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
        blas.gemm().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        String ctx = "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " beta=" + beta;
        for (int i = 0; i < got.length; i++) {
            boolean inC = i >= cOff && (i - cOff) / ldc < m && (i - cOff) % ldc < n;
            if (!inC) {   // padding and rows outside C untouched, bit for bit
                assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(got[i]), ctx + ": wrote outside C at " + i);
            } else {
                float tol = 1e-5f * (k + 1) * 4;
                assertTrue(Math.abs(want[i] - got[i]) <= tol, ctx + ": at " + i + " want " + want[i] + " got " + got[i]);
            }
        }
    }

    @Test
    void randomShapesAllTransposesMatchOracle() {
        SplittableRandom r = new SplittableRandom(42);
        int[] sizes = {1, 2, 3, 5, 7, 16, 17, 31, 64, 65, 100};
        try (Backend blas = factory.create(1)) {
            for (int iter = 0; iter < 120; iter++) {
                int m = sizes[r.nextInt(sizes.length)], n = sizes[r.nextInt(sizes.length)], k = sizes[r.nextInt(sizes.length)];
                float alpha = iter % 5 == 0 ? 1f : (float) (r.nextDouble() * 2 - 1);
                float beta = switch (iter % 3) { case 0 -> 0f; case 1 -> 1f; default -> (float) r.nextDouble(); };
                check(blas, r, (iter & 1) != 0, (iter & 2) != 0, m, n, k, alpha, beta);
            }
        }
    }

    /**
     * Several threads: products big enough to be cut into blocks of C ({@link BlasSplit}), odd sizes so that the
     * last block is ragged, every transpose case, padded operands; each block must land in its place of C and
     * nowhere else, with the oracle's values.
     */
    @Test
    void productsCutOverThreadsMatchOracle() {
        SplittableRandom r = new SplittableRandom(11);
        int[][] shapes = {{128, 512, 784}, {300, 257, 129}, {97, 1000, 45}, {1000, 33, 170}, {129, 129, 300}, {16, 4000, 100}};
        for (int threads : new int[] {2, 3}) {
            try (Backend blas = factory.create(threads)) {
                for (int iter = 0; iter < shapes.length * 4; iter++) {
                    int[] s = shapes[iter % shapes.length];
                    assertTrue(BlasSplit.of(s[0], s[1], s[2], threads).parts() > 1, "shape is cut: " + Arrays.toString(s));
                    float beta = switch (iter % 3) { case 0 -> 0f; case 1 -> 1f; default -> 0.25f; };
                    check(blas, r, (iter & 1) != 0, (iter & 2) != 0, s[0], s[1], s[2], iter % 2 == 0 ? 1f : -0.5f, beta);
                }
            }
        }
    }

    @Test
    void oneWideAndEmptyShapes() {
        SplittableRandom r = new SplittableRandom(7);
        try (Backend blas = factory.create(1)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 0.5f}) {
                        check(blas, r, ta, tb, 1, 37, 19, 1.5f, beta);   // one row: gemv path
                        check(blas, r, ta, tb, 41, 1, 23, -1f, beta);    // one column: gemv path
                        check(blas, r, ta, tb, 1, 1, 9, 1f, beta);
                        check(blas, r, ta, tb, 13, 11, 1, 1f, beta);     // k = 1
                        check(blas, r, ta, tb, 6, 5, 0, 1f, beta);       // k = 0: C = beta·C
                        check(blas, r, ta, tb, 0, 5, 3, 1f, beta);
                        check(blas, r, ta, tb, 4, 0, 3, 1f, beta);
                    }
                }
            }
        }
    }

    @Test
    void twoThreadsMatchOracleOnALargerShape() {
        SplittableRandom r = new SplittableRandom(3);
        try (Backend blas = factory.create(2)) {
            check(blas, r, false, false, 257, 131, 200, 1f, 0f);
            check(blas, r, true, false, 129, 255, 128, 1f, 1f);
            check(blas, r, false, true, 128, 199, 301, 0.5f, 0f);
        }
    }

    @Test
    void badArgumentsThrowBeforeNativeCode() {
        try (Backend blas = factory.create(1)) {
            float[] a = new float[12], b = new float[12], c = new float[12];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm().gemm(false, false, 3, 4, 4, 1f, a, 0, 2, b, 0, 4, 0f, c, 0, 4));
            assertTrue(e.getMessage().contains("lda=2") && e.getMessage().contains("m=3 n=4 k=4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm().gemm(false, false, 3, 4, 4, 1f, a, 1, 4, b, 0, 4, 0f, c, 0, 4));
            assertTrue(e.getMessage().contains("A needs elements [1, 13)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm().gemm(false, true, 3, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 3));
            assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm().gemm(false, false, -1, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
            e = assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm().gemm(false, false, 3, 4, 4, 1f, null, 0, 4, b, 0, 4, 0f, c, 0, 4));
            assertTrue(e.getMessage().contains("A is null"), e.getMessage());
        }
    }

    @Test
    void delegatedKernelsWork() {
        try (Backend blas = factory.create(1)) {
            float[] x = {1, 2, 3, 4}, y = {4, 3, 2, 1};
            blas.pointwise().axpy(4, 2f, x, 0, y, 0);
            assertArrayEquals(new float[] {6, 7, 8, 9}, y);
            assertEquals("blas", blas.name());
        }
    }
}
