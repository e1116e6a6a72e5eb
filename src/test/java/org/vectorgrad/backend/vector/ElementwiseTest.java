package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.elementwise.Blas1Kernels;
import org.vectorgrad.backend.vector.elementwise.ReductionKernels;

/**
 * Every vector elementwise kernel against its scalar twin at odd sizes (0, 1, tails around the lane count, and
 * one size above the parallel threshold). Kernels documented as bitwise equal are checked bitwise; the ones using
 * float exp/tanh are checked within {@value #ABS} absolute + {@value #REL} relative; double sums within 1e-6
 * relative of the oracle's.
 */
class ElementwiseTest {
    private static final double ABS = 2e-6, REL = 1e-5;
    /** Activations computed with FixedMath's float exp/tanh/erf (close to the double oracle, not bitwise). */
    private static final java.util.Set<Activation> APPROXIMATE = java.util.EnumSet.of(Activation.SIGMOID, Activation.TANH,
            Activation.GELU, Activation.GELU_TANH, Activation.SILU);
    private static final int[] SIZES = {0, 1, 3, 7, 15, 16, 17, 31, 33, 100, 1023, (1 << 17) + 5};
    private static final Backend ORACLE = ScalarBackend.create();
    private static final Backend VB = VectorBackend.create(2);
    private static final Backend VB8 = VectorBackend.create(8);

    @AfterAll
    static void close() {
        VB.close();
        VB8.close();
    }

    private static float[] random(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
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

    private static void close(double want, double got, String what) {
        assertTrue(Math.abs(want - got) <= 1e-6 * Math.max(1, Math.abs(want)), what + ": vector " + got + ", scalar " + want);
    }

    @Test
    void activationsForwardAndBackward() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int n : SIZES) {
            float[] x = random(rng, n, 6), dy = random(rng, n, 1);
            if (n > 2) { x[0] = -0f; x[1] = Float.NaN; x[2] = 0f; }
            for (Activation act : Activation.values()) {
                float alpha = 0.01f;
                float[] want = new float[n], got = new float[n];
                ORACLE.pointwise().activationForward(act, alpha, n, x, 0, want, 0);
                VB.pointwise().activationForward(act, alpha, n, x, 0, got, 0);
                String what = act + " forward n=" + n;
                if (APPROXIMATE.contains(act)) close(want, got, what);
                else assertArrayEquals(want, got, what);
                // in place
                float[] inPlace = x.clone();
                VB.pointwise().activationForward(act, alpha, n, inPlace, 0, inPlace, 0);
                assertArrayEquals(got, inPlace, what + " in place");

                float[] dWant = new float[n], dGot = new float[n];
                float[] saved = act.backwardFromInput() ? x : want;
                ORACLE.pointwise().activationBackward(act, alpha, n, saved, 0, dy, 0, dWant, 0);
                VB.pointwise().activationBackward(act, alpha, n, saved, 0, dy, 0, dGot, 0);
                if (act.backwardFromInput()) close(dWant, dGot, act + " backward n=" + n);
                else assertArrayEquals(dWant, dGot, act + " backward n=" + n);
            }
        }
    }

    @Test
    void addBiasActivationIsAddBiasThenTheActivationBitwise() {
        // every activation, on the oracle and the vector backend (2 and 8 threads), against the same backend's addBias
        // followed by its activationForward in place (the backends' activations themselves are compared elsewhere,
        // within their tolerance), with NaN, ±Inf, -0 and zeros in x
        SplittableRandom rng = new SplittableRandom(21);
        int[][] shapes = {{1, 1}, {3, 17}, {7, 33}, {128, 10}, {65, 64}, {513, 300}};
        for (Activation act : Activation.values()) {
            float alpha = act == Activation.LEAKY_RELU ? 0.2f : 0f;
            for (int[] s : shapes) {
                int rows = s[0], cols = s[1];
                float[] x = random(rng, rows * cols + 3, 3), bias = random(rng, cols + 2, 1);
                x[3] = Float.NaN;
                x[x.length - 1] = Float.NEGATIVE_INFINITY;
                x[x.length / 2] = -0f;
                x[4 % x.length] = 0f;
                for (Backend be : new Backend[] {ORACLE, VB, VB8}) {
                    float[] want = x.clone(), got = x.clone();
                    be.pointwise().addBias(rows, cols, want, 3, bias, 2);
                    be.pointwise().activationForward(act, alpha, rows * cols, want, 3, want, 3);
                    be.pointwise().addBiasActivation(act, alpha, rows, cols, got, 3, bias, 2);
                    for (int i = 0; i < want.length; i++) {
                        if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                            fail(act + " " + rows + "x" + cols + " on " + be.name() + "/" + be.threads() + " [" + i + "]: " + want[i] + " vs " + got[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void biasActivationColumnAndChannelSums() {
        SplittableRandom rng = new SplittableRandom(2);
        int[][] shapes = {{1, 1}, {3, 17}, {7, 33}, {128, 10}, {5, 1}, {513, 300}, {2, 64}, {130, 97}, {9, 200}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] x = random(rng, rows * cols + 3, 3), bias = random(rng, cols + 2, 1);
            float[] want = x.clone(), got = x.clone(), got8 = x.clone();
            ORACLE.pointwise().addBias(rows, cols, want, 3, bias, 2);
            VB.pointwise().addBias(rows, cols, got, 3, bias, 2);
            VB8.pointwise().addBias(rows, cols, got8, 3, bias, 2);
            assertArrayEquals(want, got, "addBias " + rows + "x" + cols);
            assertArrayEquals(want, got8, "addBias " + rows + "x" + cols + ", 8 threads");
            float[] dbWant = random(rng, cols + 1, 1), dbGot = dbWant.clone();
            ORACLE.pointwise().columnSums(rows, cols, x, 3, dbWant, 1);
            VB.pointwise().columnSums(rows, cols, x, 3, dbGot, 1);
            assertArrayEquals(dbWant, dbGot, "columnSums " + rows + "x" + cols);
        }
        int[][] nchw = {{1, 1, 1}, {2, 3, 17}, {4, 5, 49}, {3, 2, 196}};
        for (int[] s : nchw) {
            float[] dy = random(rng, s[0] * s[1] * s[2], 1);
            float[] want = new float[s[1]], got = new float[s[1]];
            for (int c = 0; c < s[1]; c++) {
                float sum = 0f;
                for (int n = 0; n < s[0]; n++) for (int p = 0; p < s[2]; p++) sum += dy[(n * s[1] + c) * s[2] + p];
                want[c] = sum;
            }
            ReductionKernels.channelSums(s[0], s[0], s[1], s[2], dy, 0, got, 0, 0, s[1]);   // the conv bias gradient's kernel
            close(want, got, "channelSums");
            // grouped: one call on the batch = calls on its group-aligned parts, bit for bit
            float[] whole = new float[s[1]], parts = new float[s[1]];
            ReductionKernels.channelSums(s[0], 2, s[1], s[2], dy, 0, whole, 0, 0, s[1]);
            for (int n0 = 0; n0 < s[0]; n0 += 2) {
                ReductionKernels.channelSums(Math.min(2, s[0] - n0), 2, s[1], s[2], dy, n0 * s[1] * s[2], parts, 0, 0, s[1]);
            }
            assertArrayEquals(whole, parts, "channelSums in groups of 2");
            close(want, whole, "channelSums in groups of 2");
        }
    }

    @Test
    void softmaxFamilyAndArgmax() {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] shapes = {{1, 1}, {1, 10}, {3, 17}, {128, 10}, {5, 33}, {2, 1000}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] x = random(rng, rows * cols, 20);
            if (rows * cols > 3) x[2] = 80f; // large logit: stability
            float[] want = new float[rows * cols], got = new float[rows * cols];
            ORACLE.losses().softmax(rows, cols, x, 0, want, 0);
            VB.losses().softmax(rows, cols, x, 0, got, 0);
            close(want, got, "softmax " + rows + "x" + cols);
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) labels[r] = rng.nextInt(cols);
            float[] gWant = new float[rows * cols], gGot = new float[rows * cols];
            double lWant = ORACLE.losses().softmaxCrossEntropy(rows, cols, x, 0, labels, 0, gWant, 0, 1f / rows);
            double lGot = VB.losses().softmaxCrossEntropy(rows, cols, x, 0, labels, 0, gGot, 0, 1f / rows);
            close(lWant, lGot, "softmaxCrossEntropy loss " + rows + "x" + cols);
            close(gWant, gGot, "softmaxCrossEntropy grad " + rows + "x" + cols);
            close(lWant, VB.losses().softmaxCrossEntropy(rows, cols, x, 0, labels, 0, null, 0, 1f), "loss only");
            int[] aWant = new int[rows], aGot = new int[rows];
            float[] ties = x.clone();
            if (cols > 5) { ties[4] = 1000f; ties[5] = 1000f; } // first of two maxima wins
            if (cols > 7 && rows > 1) ties[cols + 7] = Float.NaN;
            ORACLE.losses().argmaxRows(rows, cols, ties, 0, aWant, 0);
            VB.losses().argmaxRows(rows, cols, ties, 0, aGot, 0);
            assertArrayEquals(aWant, aGot, "argmaxRows " + rows + "x" + cols);
        }
        assertThrows(IllegalArgumentException.class,
                () -> VB.losses().softmaxCrossEntropy(1, 3, new float[3], 0, new int[] {3}, 0, null, 0, 1f));
    }

    @Test
    void lossesAndReductions() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int n : SIZES) {
            float[] x = random(rng, n, 8), t = random(rng, n, 0.5), p = random(rng, n, 2);
            for (int i = 0; i < n; i++) t[i] += 0.5f;
            float[] gWant = new float[n], gGot = new float[n];
            close(ORACLE.losses().binaryCrossEntropyWithLogits(n, x, 0, t, 0, gWant, 0, 0.5f),
                  VB.losses().binaryCrossEntropyWithLogits(n, x, 0, t, 0, gGot, 0, 0.5f), "bce n=" + n);
            close(gWant, gGot, "bce grad n=" + n);
            close(ORACLE.losses().meanSquaredError(n, p, 0, t, 0, gWant, 0, 0.5f),
                  VB.losses().meanSquaredError(n, p, 0, t, 0, gGot, 0, 0.5f), "mse n=" + n);
            close(gWant, gGot, "mse grad n=" + n);
        }
    }

    @Test
    void blas1AndOptimizersAreBitwiseEqual() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n : SIZES) {
            float[] x = random(rng, n + 2, 1), y = random(rng, n + 1, 1);
            float[] want = y.clone(), got = y.clone();
            ORACLE.pointwise().axpy(n, -0.3f, x, 2, want, 1);
            VB.pointwise().axpy(n, -0.3f, x, 2, got, 1);
            assertArrayEquals(want, got, "axpy n=" + n);
            for (int i = 0; i < n; i++) want[1 + i] *= 1.7f;
            Blas1Kernels.scale(1.7f, got, 1, 0, n);   // the softmax kernels' scaling
            assertArrayEquals(want, got, "scale n=" + n);

            for (float wd : new float[] {0f, 1e-4f}) { // 0: no weight-decay term at all (±Inf weights stay ±Inf)
                for (float momentum : new float[] {0f, 0.9f}) {
                    for (boolean nesterov : new boolean[] {false, true}) {
                        float[] w = withNonFinite(random(rng, n, 1)), g = random(rng, n, 1), v = random(rng, n, 0.1);
                        float[] w2 = w.clone(), v2 = v.clone();
                        ORACLE.updates().sgd(n, 0.05f, momentum, wd, nesterov, w, 0, g, 0, v, 0);
                        VB.updates().sgd(n, 0.05f, momentum, wd, nesterov, w2, 0, g, 0, v2, 0);
                        assertArrayEquals(w, w2, "sgd w n=" + n + " wd=" + wd + " momentum=" + momentum + " nesterov=" + nesterov);
                        assertArrayEquals(v, v2, "sgd v");
                    }
                }
                float[] w = withNonFinite(random(rng, n, 1)), g = random(rng, n, 1), m = random(rng, n, 0.1), v = random(rng, n, 0.1);
                for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
                float[] w2 = w.clone(), m2 = m.clone(), v2 = v.clone();
                float adamWd = wd == 0f ? 0f : 1e-2f;
                ORACLE.updates().adam(n, adamWd, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.0053f, 0.045f, w, 0, g, 0, m, 0, v, 0);
                VB8.updates().adam(n, adamWd, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.0053f, 0.045f, w2, 0, g, 0, m2, 0, v2, 0);
                assertArrayEquals(w, w2, "adam w n=" + n + " wd=" + adamWd);
                assertArrayEquals(m, m2, "adam m n=" + n);
                assertArrayEquals(v, v2, "adam v n=" + n);
            }
        }
    }

    /** x with +Inf, -Inf and NaN planted at its start, middle and end (where it is long enough). */
    private static float[] withNonFinite(float[] x) {
        if (x.length > 0) x[0] = Float.POSITIVE_INFINITY;
        if (x.length > 2) x[x.length / 2] = Float.NEGATIVE_INFINITY;
        if (x.length > 1) x[x.length - 1] = Float.NaN;
        return x;
    }

    @Test
    void shortArraysAreRejectedWithTheKernelName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VB.pointwise().axpy(10, 1f, new float[9], 0, new float[10], 0));
        assertTrue(e.getMessage().startsWith("axpy: x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VB.pointwise().columnSums(3, 4, new float[12], 0, new float[3], 0));
        assertTrue(e.getMessage().contains("columnSums") && e.getMessage().contains("db (4)"), e.getMessage());
    }
}
