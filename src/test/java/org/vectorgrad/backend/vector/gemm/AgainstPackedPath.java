package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One product through a GEMM path and through the packed path on the same random operands, compared bitwise: random
 * offsets and padded leading dimensions, C of random values (NaN where beta is 0, which must not be read), C's
 * elements finite afterwards and its padding untouched. The paths that promise the packed path's bits share it.
 */
final class AgainstPackedPath {
    private AgainstPackedPath() {}

    static void check(String what, BlockedGemm packed, BlockedGemm path, boolean ta, boolean tb, int m, int n, int k,
                      float alpha, float beta, SplittableRandom rng) {
        int pad = rng.nextInt(3) * 3, off = rng.nextInt(4);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad + 1, ldc = n + pad + 2;
        float[] a = gaussian(rng, off + (ta ? k : m) * lda), b = gaussian(rng, off + (tb ? n : k) * ldb);
        float[] c0 = gaussian(rng, off + m * ldc);
        if (beta == 0f) for (int i = 0; i < m; i++) Arrays.fill(c0, off + i * ldc, off + i * ldc + n, Float.NaN);
        float[] want = c0.clone(), got = c0.clone();
        packed.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, want, off, ldc);
        path.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, got, off, ldc);
        String shape = what + " " + m + "x" + n + "x" + k + (ta ? " T" : " N") + (tb ? "T" : "N") + " alpha " + alpha
                + " beta " + beta + " lda " + lda + " ldb " + ldb + " ldc " + ldc;
        for (int i = 0; i < got.length; i++) {
            boolean inC = i >= off && (i - off) % ldc < n;
            if (inC) assertTrue(Float.isFinite(got[i]), shape + ": C[" + i + "] = " + got[i]);
            else assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(got[i]), shape + ": padding at " + i + " written");
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), shape + ": C[" + i + "]");
        }
    }

    /** The tables the library builds at these widths: the default caches, and AMD's (K one pass up to 1024 at 512 bits). */
    static List<GemmBlocking> tables(int... widths) {
        List<GemmBlocking> t = new ArrayList<>();
        for (int bits : widths) {
            t.add(GemmBlocking.forBits(bits));
            t.add(GemmBlocking.forCaches(bits, 48 << 10, 1 << 20, 32 << 20, false, true));
        }
        return t;
    }

    static float[] gaussian(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }
}
