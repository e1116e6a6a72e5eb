package org.vectorgrad.backend.vector.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Normalization;
import org.vectorgrad.backend.scalar.ScalarNormalization;
import org.vectorgrad.backend.vector.VectorBackend;

/**
 * The vector normalization kernels against their scalar twin ({@link ScalarNormalization}) on random odd shapes
 * (1-wide, tails around the lane counts, planes smaller and larger than a vector, sizes above the parallel
 * threshold): every output within {@value #ABS} absolute + {@value #REL} relative of the twin's (the statistics are
 * double sums whose order differs from the twin's for planes at least a vector wide; a float rounding of them can
 * move an output by an ulp or so). The parts documented as the twin's bits are checked bitwise; the results are the
 * same bits for 1, 2 and 8 threads and on a repeated call.
 */
class NormalizationKernelTest {
    private static final double ABS = 1e-5, REL = 1e-5;
    private static final Normalization ORACLE = ScalarNormalization.INSTANCE;
    private static final VectorBackend VB1 = new VectorBackend(1);
    private static final VectorBackend VB2 = new VectorBackend(2);
    private static final VectorBackend VB8 = new VectorBackend(8);

    @AfterAll
    static void close() {
        VB1.close();
        VB2.close();
        VB8.close();
    }

    /** {batch, channels, spatial}: 1-wide, odd, tails, below and above a vector, a parallel-sized one. */
    private static final int[][] BN_SHAPES = {
            {2, 1, 1}, {3, 5, 1}, {7, 17, 1}, {5, 33, 1}, {129, 64, 1}, {2, 3, 3}, {3, 2, 7}, {2, 3, 16}, {3, 5, 17},
            {2, 4, 49}, {4, 3, 100}, {1, 2, 9}, {16, 37, 196}, {1024, 131, 1}};

    private static float[] random(SplittableRandom rng, int n, double offset, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (offset + (rng.nextDouble() * 2 - 1) * scale);
        return x;
    }

    private static void close(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double tol = ABS + REL * Math.abs(want[i]);
            if (!(Math.abs(want[i] - got[i]) <= tol) && !(Float.isNaN(want[i]) && Float.isNaN(got[i]))) {
                fail(what + " [" + i + "]: vector " + got[i] + ", scalar " + want[i]);
            }
        }
    }

    private record BnOut(float[] y, float[] mean, float[] invstd, float[] rm, float[] rv, float[] dx, float[] dg, float[] db) {}

    private static BnOut batchNorm(Normalization k, int[] s, float[] x, float[] dy, float[] gamma, float[] beta, boolean train, int xOff) {
        int b = s[0], c = s[1], sp = s[2], n = b * c * sp;
        float[] xx = new float[n + xOff], dyy = new float[n + xOff];
        System.arraycopy(x, 0, xx, xOff, n);
        System.arraycopy(dy, 0, dyy, xOff, n);
        float[] y = new float[n + xOff], mean = new float[c], invstd = new float[c], dx = new float[n + xOff];
        float[] rm = new float[c], rv = new float[c];
        for (int i = 0; i < c; i++) { rm[i] = 0.1f * i; rv[i] = 1f + 0.05f * i; }
        if (train) k.batchNormTrain(b, c, sp, xx, xOff, gamma, beta, 1e-5f, 0.1f, rm, rv, y, xOff, mean, invstd);
        else k.batchNormEval(b, c, sp, xx, xOff, gamma, beta, 1e-5f, rm, rv, y, xOff, mean, invstd);
        float[] dg = gamma == null ? null : new float[c], db = gamma == null ? null : new float[c];
        if (dg != null) { dg[0] = 0.5f; db[0] = -0.25f; } // accumulate, not overwrite
        k.batchNormBackward(b, c, sp, xx, xOff, dyy, xOff, mean, invstd, gamma, train, dx, xOff, dg, db);
        return new BnOut(y, mean, invstd, rm, rv, dx, dg, db);
    }

    @Test
    void batchNormMatchesTheScalarTwinOnOddShapes() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] s : BN_SHAPES) {
            int n = s[0] * s[1] * s[2];
            float[] x = random(rng, n, 3, 2), dy = random(rng, n, 0, 1);
            float[] gamma = random(rng, s[1], 1, 0.5), beta = random(rng, s[1], 0, 0.5);
            for (boolean train : new boolean[] {true, false}) {
                for (boolean affine : new boolean[] {true, false}) {
                    String what = "shape " + java.util.Arrays.toString(s) + (train ? " train" : " eval") + (affine ? "" : " no affine");
                    BnOut want = batchNorm(ORACLE, s, x, dy, affine ? gamma : null, affine ? beta : null, train, 0);
                    BnOut got1 = batchNorm(VB1.normalization(), s, x, dy, affine ? gamma : null, affine ? beta : null, train, 3);
                    float[] y = java.util.Arrays.copyOfRange(got1.y, 3, got1.y.length), dx = java.util.Arrays.copyOfRange(got1.dx, 3, got1.dx.length);
                    close(want.y, y, what + " y");
                    close(want.mean, got1.mean, what + " mean");
                    close(want.invstd, got1.invstd, what + " invstd");
                    close(want.rm, got1.rm, what + " running mean");
                    close(want.rv, got1.rv, what + " running var");
                    close(want.dx, dx, what + " dx");
                    if (affine) {
                        close(want.dg, got1.dg, what + " dgamma");
                        close(want.db, got1.db, what + " dbeta");
                    }
                    if (s[2] < org.vectorgrad.backend.vector.elementwise.Lanes.N) { // documented: the twin's order, so its bits
                        assertArrayEquals(want.y, y, what + " y bitwise");
                        assertArrayEquals(want.rv, got1.rv, what + " running var bitwise");
                        assertArrayEquals(want.dx, dx, what + " dx bitwise");
                    }
                    for (VectorBackend vb : new VectorBackend[] {VB2, VB8, VB1}) {
                        BnOut again = batchNorm(vb.normalization(), s, x, dy, affine ? gamma : null, affine ? beta : null, train, 3);
                        assertArrayEquals(got1.y, again.y, what + " y, " + vb.threads() + " threads");
                        assertArrayEquals(got1.rm, again.rm, what + " running mean, " + vb.threads() + " threads");
                        assertArrayEquals(got1.rv, again.rv, what + " running var, " + vb.threads() + " threads");
                        assertArrayEquals(got1.dx, again.dx, what + " dx, " + vb.threads() + " threads");
                        if (affine) assertArrayEquals(got1.dg, again.dg, what + " dgamma, " + vb.threads() + " threads");
                    }
                }
            }
        }
    }

    @Test
    void batchNormStatisticsAreThoseOfPyTorch() {
        // x = channel 0: 1, 2, 3, 4 (two samples, plane of 2); mean 2.5, biased var 1.25, unbiased 5/3
        float[] x = {1, 2, 3, 4}, y = new float[4], mean = new float[1], invstd = new float[1];
        float[] rm = {0f}, rv = {1f};
        for (Normalization k : new Normalization[] {ORACLE, VB2.normalization()}) {
            rm[0] = 0f;
            rv[0] = 1f;
            k.batchNormTrain(2, 1, 2, x, 0, null, null, 1e-5f, 0.1f, rm, rv, y, 0, mean, invstd);
            assertEquals(2.5f, mean[0]);
            assertEquals((float) (1 / Math.sqrt(1.25 + 1e-5)), invstd[0]);
            assertEquals(0.25f, rm[0], 1e-7f);
            assertEquals((float) (0.9 + 0.1 * 5.0 / 3.0), rv[0], 1e-7f);
            assertEquals((float) ((1 - 2.5) / Math.sqrt(1.25 + 1e-5)), y[0], 1e-6f);
        }
    }

    @Test
    void nanPropagatesThroughItsChannelOnly() {
        int b = 3, c = 2, sp = 20;
        float[] x = random(new SplittableRandom(2), b * c * sp, 0, 1);
        x[5] = Float.NaN; // channel 0 of sample 0
        for (Normalization k : new Normalization[] {ORACLE, VB2.normalization()}) {
            float[] y = new float[x.length], mean = new float[c], invstd = new float[c], rm = new float[c], rv = {1, 1};
            k.batchNormTrain(b, c, sp, x, 0, null, null, 1e-5f, 0.1f, rm, rv, y, 0, mean, invstd);
            assertTrue(Float.isNaN(y[sp * c]) && Float.isNaN(rm[0]) && Float.isNaN(rv[0]), "channel 0 is NaN");
            for (int i = sp; i < 2 * sp; i++) assertTrue(Float.isFinite(y[i]), "channel 1 stays finite");
            assertTrue(Float.isFinite(rm[1]) && Float.isFinite(rv[1]));
        }
    }

    @Test
    void badArgumentsAreRefusedNamingTheKernel() {
        Normalization k = VB1.normalization();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.batchNormTrain(1, 3, 1, new float[3], 0, null, null, 1e-5f, 0.1f, null, null, new float[3], 0, new float[3], new float[3]));
        assertTrue(e.getMessage().contains("batchNormTrain") && e.getMessage().contains("more than 1 value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.batchNormTrain(2, 3, 1, new float[5], 0, null, null, 1e-5f, 0.1f, null, null, new float[6], 0, new float[3], new float[3]));
        assertTrue(e.getMessage().contains("x needs 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.layerNormForward(2, 3, new float[6], 0, new float[2], null, 1e-5f, new float[6], 0, new float[2], new float[2]));
        assertTrue(e.getMessage().contains("gamma needs 3"), e.getMessage());
    }

    private static final int[][] LN_SHAPES = {{1, 1}, {3, 1}, {1, 7}, {4, 15}, {5, 16}, {3, 17}, {2, 33}, {7, 100}, {129, 257}, {300, 300}};

    @Test
    void layerNormMatchesTheScalarTwinOnOddShapes() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int[] s : LN_SHAPES) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(rng, n, -2, 3), dy = random(rng, n, 0, 1);
            float[] gamma = random(rng, cols, 1, 0.5), beta = random(rng, cols, 0, 0.5);
            for (boolean affine : new boolean[] {true, false}) {
                String what = "rows " + rows + " cols " + cols + (affine ? "" : " no affine");
                float[][] want = layerNorm(ORACLE, rows, cols, x, dy, affine ? gamma : null, affine ? beta : null);
                float[][] got = layerNorm(VB1.normalization(), rows, cols, x, dy, affine ? gamma : null, affine ? beta : null);
                String[] names = {"y", "mean", "invstd", "dx", "dgamma", "dbeta"};
                for (int i = 0; i < names.length; i++) if (want[i] != null) close(want[i], got[i], what + " " + names[i]);
                if (affine) {
                    assertArrayEquals(want[4], got[4], what + " dgamma bitwise (rows in order, as the twin)");
                    assertArrayEquals(want[5], got[5], what + " dbeta bitwise");
                }
                for (VectorBackend vb : new VectorBackend[] {VB2, VB8}) {
                    float[][] again = layerNorm(vb.normalization(), rows, cols, x, dy, affine ? gamma : null, affine ? beta : null);
                    for (int i = 0; i < names.length; i++) assertArrayEquals(got[i], again[i], what + " " + names[i] + ", " + vb.threads() + " threads");
                }
            }
        }
    }

    private static float[][] layerNorm(Normalization k, int rows, int cols, float[] x, float[] dy, float[] gamma, float[] beta) {
        int n = rows * cols;
        float[] y = new float[n], mean = new float[rows], invstd = new float[rows], dx = new float[n];
        k.layerNormForward(rows, cols, x, 0, gamma, beta, 1e-5f, y, 0, mean, invstd);
        float[] dg = gamma == null ? null : new float[cols], db = gamma == null ? null : new float[cols];
        k.layerNormBackward(rows, cols, x, 0, dy, 0, mean, invstd, gamma, dx, 0, dg, db);
        return new float[][] {y, mean, invstd, dx, dg, db};
    }
}
