package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;

/**
 * The AdamW and RMSProp vector kernels against their scalar twins, bitwise (the kernels promise the same float
 * operations in the same order), at sizes 0, 1, around the lane count's tails, odd sizes and one above the parallel
 * threshold, at nonzero offsets, on 1, 2 and 8 threads, with NaN and ±Inf in the gradients and weights; and
 * gradient clipping's scale (bitwise) and sum of squares (1e-12 relative of the scalar one, the same bits on every
 * thread count).
 */
class AdamWRmsPropKernelsTest {
    private static final int[] SIZES = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 65, 101, 1023, (1 << 17) + 5};
    private static final Backend ORACLE = ScalarBackend.create();
    private static final Backend[] VB = {VectorBackend.create(1), VectorBackend.create(2), VectorBackend.create(8)};

    @AfterAll
    static void close() {
        for (Backend b : VB) b.close();
    }

    private static float[] random(SplittableRandom rng, int n, double scale, boolean positive) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double r = rng.nextDouble();
            x[i] = (float) ((positive ? r : r * 2 - 1) * scale);
        }
        return x;
    }

    /** NaN, +Inf and -Inf at fixed places (when the array is long enough). */
    private static void poison(float[] x, int off, int n) {
        if (n > 5) {
            x[off + 1] = Float.NaN;
            x[off + n / 2] = Float.POSITIVE_INFINITY;
            x[off + n - 2] = Float.NEGATIVE_INFINITY;
        }
    }

    @Test
    void adamWMatchesItsScalarTwinBitwise() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int n : SIZES) {
            for (boolean poisoned : new boolean[] {false, true}) {
                int off = 3;
                float[] w = random(rng, n + off, 1, false), g = random(rng, n + off + 1, 2, false);
                float[] m = random(rng, n + off, 0.1, false), v = random(rng, n + off, 0.01, true);
                if (poisoned) poison(g, off + 1, n);
                for (Backend vb : VB) {
                    float[] w1 = w.clone(), m1 = m.clone(), v1 = v.clone(), w2 = w.clone(), m2 = m.clone(), v2 = v.clone();
                    ORACLE.updates().adamW(n, 0.9995f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.0123f, 0.0316f, w1, off, g, off + 1, m1, off, v1, off);
                    vb.updates().adamW(n, 0.9995f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.0123f, 0.0316f, w2, off, g, off + 1, m2, off, v2, off);
                    String what = "adamW n=" + n + " threads=" + vb.threads() + " poisoned=" + poisoned;
                    assertArrayEquals(w1, w2, what + " w");
                    assertArrayEquals(m1, m2, what + " m");
                    assertArrayEquals(v1, v2, what + " v");
                    if (poisoned && n > 5) { // NaN gradient, and Inf (m = v = Inf, so Inf/Inf): NaN weights, as PyTorch
                        assertTrue(Float.isNaN(w2[off + 1]) && Float.isNaN(w2[off + n / 2]) && Float.isNaN(m2[off + 1]), what + ": NaN/Inf propagate");
                        assertTrue(Float.isFinite(w2[off]), what + ": other elements unaffected");
                    }
                }
            }
        }
    }

    @Test
    void rmsPropMatchesItsScalarTwinBitwise() {
        SplittableRandom rng = new SplittableRandom(14);
        for (int n : SIZES) {
            for (float momentum : new float[] {0f, 0.9f}) {
                for (boolean centered : new boolean[] {false, true}) {
                    for (float wd : new float[] {0f, 0.01f}) {
                        boolean poisoned = wd != 0f && centered;
                        int off = 2;
                        float[] w = random(rng, n + off, 1, false), g = random(rng, n + off, 2, false);
                        float[] sq = random(rng, n + off, 0.5, true), ga = random(rng, n + off, 0.1, false), buf = random(rng, n + off, 0.1, false);
                        if (poisoned) {
                            poison(g, off, n);
                            poison(w, off + 1, n - 1);
                        }
                        for (Backend vb : VB) {
                            float[] w1 = w.clone(), s1 = sq.clone(), a1 = ga.clone(), b1 = buf.clone();
                            float[] w2 = w.clone(), s2 = sq.clone(), a2 = ga.clone(), b2 = buf.clone();
                            ORACLE.updates().rmsProp(n, 0.01f, 0.99f, 0.01f, 1e-8f, wd, momentum, centered, w1, off, g, off, s1, off,
                                    centered ? a1 : null, off, momentum > 0 ? b1 : null, off);
                            vb.updates().rmsProp(n, 0.01f, 0.99f, 0.01f, 1e-8f, wd, momentum, centered, w2, off, g, off, s2, off,
                                    centered ? a2 : null, off, momentum > 0 ? b2 : null, off);
                            String what = "rmsProp n=" + n + " momentum=" + momentum + " centered=" + centered + " wd=" + wd
                                    + " threads=" + vb.threads();
                            assertArrayEquals(w1, w2, what + " w");
                            assertArrayEquals(s1, s2, what + " square_avg");
                            assertArrayEquals(a1, a2, what + " grad_avg");
                            assertArrayEquals(b1, b2, what + " momentum_buffer");
                            if (poisoned && n > 5) { // NaN gradient, Inf gradient, NaN weight (through the decay term): NaN weights
                                assertTrue(Float.isNaN(w2[off + 1]) && Float.isNaN(w2[off + n / 2]) && Float.isNaN(w2[off + 2]), what + ": NaN/Inf propagate");
                                assertTrue(Float.isInfinite(s2[off + n / 2]) && Float.isFinite(w2[off]), what + ": square_avg Inf, others finite");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void shortStateArraysAreRejectedWithTheKernelAndOperandNamed() {
        for (Backend b : new Backend[] {ORACLE, VB[1]}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> b.updates().adamW(10, 1f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.1f, 1f, new float[10], 0, new float[10], 0, new float[10], 0, new float[9], 0));
            assertTrue(e.getMessage().startsWith("adamWUpdate: v"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> b.updates().rmsProp(10, 0.1f, 0.99f, 0.01f, 1e-8f, 0f, 0f, true, new float[10], 0, new float[10], 0, new float[10], 0, null, 0, null, 0));
            assertTrue(e.getMessage().startsWith("rmsPropUpdate: grad_avg"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> b.updates().rmsProp(10, 0.1f, 0.99f, 0.01f, 1e-8f, 0f, 0.9f, false, new float[10], 0, new float[10], 0, new float[10], 0, null, 0, new float[4], 0));
            assertTrue(e.getMessage().startsWith("rmsPropUpdate: momentum_buffer"), e.getMessage());
        }
    }

    @Test
    void clippingSumOfSquaresAndScale() {
        SplittableRandom rng = new SplittableRandom(15);
        for (int n : SIZES) {
            float[] x = random(rng, n + 1, 3, false);
            double want = ORACLE.updates().sumOfSquares(n, x, 1);
            double exact = 0;
            for (int i = 0; i < n; i++) exact += (double) x[1 + i] * x[1 + i];
            assertTrue(want == exact, "the oracle sums in index order");
            for (Backend vb : VB) {
                double got = vb.updates().sumOfSquares(n, x, 1);
                assertTrue(Math.abs(got - want) <= 1e-12 * want, "sumOfSquares n=" + n + ": vector " + got + ", scalar " + want);
                assertTrue(got == VB[0].updates().sumOfSquares(n, x, 1), "sumOfSquares: the same bits on every thread count");
                float[] a = x.clone(), b = x.clone();
                ORACLE.updates().scale(n, 0.37f, a, 1);
                vb.updates().scale(n, 0.37f, b, 1);
                assertArrayEquals(a, b, "scale n=" + n);
            }
            if (n > 5) {
                float[] bad = x.clone();
                bad[3] = Float.NaN;
                assertTrue(Double.isNaN(VB[1].updates().sumOfSquares(n, bad, 1)), "NaN propagates into the norm");
                bad[3] = Float.POSITIVE_INFINITY;
                assertTrue(VB[1].updates().sumOfSquares(n, bad, 1) == Double.POSITIVE_INFINITY, "Inf too");
            }
        }
    }
}
