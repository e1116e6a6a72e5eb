package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;

/**
 * The vector MAE and Huber kernels against their scalar twins ({@code ScalarRegressionLosses}) on random sizes,
 * odd ones and tails around the lane count included, with exact hits, |d| = delta and NaN planted. The mean loss
 * must be within 1e-12 relative of the scalar's (both sum in double, in different orders); the MAE gradient is
 * bitwise the scalar's (±scale or 0); the Huber gradient within 1 ulp-scale (the vector clamps the float difference,
 * the scalar the double one, rounding once more). Same inputs, same bits: every call is repeated and compared.
 */
class RegressionLossKernelsTest {
    private static final Backend ORACLE = ScalarBackend.create();
    private static final Backend VB = VectorBackend.create(2);

    @AfterAll
    static void close() { VB.close(); }

    private static int[] sizes() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] s = new int[24];
        int[] fixed = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 65, 1023};
        System.arraycopy(fixed, 0, s, 0, fixed.length);
        for (int i = fixed.length; i < s.length; i++) s[i] = 1 + 2 * rng.nextInt(2500); // random odd sizes
        return s;
    }

    private static float[][] data(SplittableRandom rng, int n, float delta) {
        float[] p = new float[n + 3], t = new float[n + 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (rng.nextGaussian() * 2);
            t[i] = (float) (rng.nextGaussian() * 2);
        }
        // offsets 3 and 1 so that lanes are not aligned with the array starts
        if (n > 4) {
            t[1 + 0] = p[3 + 0];                 // exact hit
            t[1 + 1] = p[3 + 1] - delta;         // at the boundary (up to rounding)
            t[1 + 2] = p[3 + 2] + 4 * delta;     // far
        }
        return new float[][] {p, t};
    }

    private static void closeRel(double want, double got, String what) {
        if (!(Math.abs(want - got) <= 1e-12 * Math.max(1, Math.abs(want)))) fail(what + ": vector " + got + ", scalar " + want);
    }

    @Test
    void meanAbsoluteErrorMatchesScalarTwin() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int n : sizes()) {
            float[][] d = data(rng, n, 1f);
            float scale = n == 0 ? 1f : 1f / n;
            float[] gWant = new float[n + 2], gGot = new float[n + 2], gAgain = new float[n + 2];
            double want = ORACLE.losses().meanAbsoluteError(n, d[0], 3, d[1], 1, gWant, 2, scale);
            double got = VB.losses().meanAbsoluteError(n, d[0], 3, d[1], 1, gGot, 2, scale);
            closeRel(want, got, "mae n=" + n);
            assertArrayEquals(gWant, gGot, "mae grad n=" + n);
            assertEquals(Double.doubleToLongBits(got), Double.doubleToLongBits(VB.losses().meanAbsoluteError(n, d[0], 3, d[1], 1, gAgain, 2, scale)), "same bits");
            assertArrayEquals(gGot, gAgain);
            if (n > 4) assertEquals(0f, gGot[2], "exact hit has no gradient");
            closeRel(want, VB.losses().meanAbsoluteError(n, d[0], 3, d[1], 1, null, 0, scale), "mae without grad n=" + n);
        }
    }

    @Test
    void huberMatchesScalarTwin() {
        SplittableRandom rng = new SplittableRandom(2);
        for (float delta : new float[] {1f, 0.25f, 3f}) {
            for (int n : sizes()) {
                float[][] d = data(rng, n, delta);
                float scale = n == 0 ? 1f : 1f / n;
                float[] gWant = new float[n], gGot = new float[n], gAgain = new float[n];
                double want = ORACLE.losses().huberLoss(n, d[0], 3, d[1], 1, gWant, 0, scale, delta);
                double got = VB.losses().huberLoss(n, d[0], 3, d[1], 1, gGot, 0, scale, delta);
                String what = "huber delta=" + delta + " n=" + n;
                closeRel(want, got, what);
                for (int i = 0; i < n; i++) {
                    assertTrue(Math.abs(gWant[i] - gGot[i]) <= 2 * Math.ulp(Math.abs(gWant[i])) + Float.MIN_NORMAL,
                            what + " grad[" + i + "]: vector " + gGot[i] + ", scalar " + gWant[i]);
                    assertTrue(Math.abs(gGot[i]) <= delta * scale * (1 + 1e-6f), what + " grad is clamped");
                }
                assertEquals(Double.doubleToLongBits(got), Double.doubleToLongBits(VB.losses().huberLoss(n, d[0], 3, d[1], 1, gAgain, 0, scale, delta)), "same bits");
                assertArrayEquals(gGot, gAgain);
            }
        }
    }

    @Test
    void nanPropagatesInLossAndGradientAsInPyTorch() {
        for (int n : new int[] {1, 5, 17, 40}) {
            float[] p = new float[n], t = new float[n];
            for (int i = 0; i < n; i++) { p[i] = i * 0.5f; t[i] = 1f; }
            int bad = n - 1;
            p[bad] = Float.NaN;
            float[] g = new float[n], gs = new float[n];
            assertTrue(Double.isNaN(VB.losses().meanAbsoluteError(n, p, 0, t, 0, g, 0, 1f)), "mae n=" + n);
            assertTrue(Double.isNaN(ORACLE.losses().meanAbsoluteError(n, p, 0, t, 0, gs, 0, 1f)), "scalar mae n=" + n);
            // PyTorch 1.13: l1_loss's gradient is sgn(p - t)/n and its sgn(NaN) is 0 (the loss is NaN)
            assertTrue(g[bad] == 0f && gs[bad] == 0f, "mae grad 0 at the NaN, as PyTorch's");
            for (int i = 0; i < bad; i++) assertTrue(Float.isFinite(g[i]), "mae grad finite elsewhere");
            assertTrue(Double.isNaN(VB.losses().huberLoss(n, p, 0, t, 0, g, 0, 1f, 1f)), "huber n=" + n);
            assertTrue(Double.isNaN(ORACLE.losses().huberLoss(n, p, 0, t, 0, gs, 0, 1f, 1f)), "scalar huber n=" + n);
            assertTrue(Float.isNaN(g[bad]) && Float.isNaN(gs[bad]), "huber grad NaN at the NaN");
        }
    }

    @Test
    void knownValues() {
        float[] p = {0f, 2f, -3f, 0.5f}, t = {0f, 0f, 0f, 0f};
        float[] g = new float[4];
        // MAE: (0 + 2 + 3 + 0.5) / 4
        assertEquals(5.5 / 4, VB.losses().meanAbsoluteError(4, p, 0, t, 0, g, 0, 0.25f), 1e-12);
        assertArrayEquals(new float[] {0f, 0.25f, -0.25f, 0.25f}, g);
        // Huber delta 1: 0, 1·(2 - 0.5), 1·(3 - 0.5), 0.125
        assertEquals((0 + 1.5 + 2.5 + 0.125) / 4, VB.losses().huberLoss(4, p, 0, t, 0, g, 0, 0.25f, 1f), 1e-12);
        assertArrayEquals(new float[] {0f, 0.25f, -0.25f, 0.125f}, g);
    }

    @Test
    void badArgumentsAreRefusedByBothBackends() {
        for (Backend be : new Backend[] {ORACLE, VB}) {
            var e = assertThrows(IllegalArgumentException.class, () -> be.losses().huberLoss(2, new float[2], 0, new float[2], 0, null, 0, 1f, 0f));
            assertTrue(e.getMessage().contains("delta"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> be.losses().huberLoss(2, new float[2], 0, new float[2], 0, null, 0, 1f, Float.NaN));
            assertThrows(RuntimeException.class, () -> be.losses().meanAbsoluteError(3, new float[2], 0, new float[3], 0, null, 0, 1f));
        }
    }
}
