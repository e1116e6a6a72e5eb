package org.vectorgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.Prerequisites;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;

/**
 * NaN and ±Inf are never hidden, on every backend: activations, max pooling, arg-max and the losses against
 * PyTorch 1.13's results (committed fixtures, {@code src/test/resources/nonfinite/make_fixtures.py}) and against
 * the scalar oracle on random inputs holding NaN, ±Inf and ±0 at random positions. NaNs compare by being NaN
 * (Java does not promise to keep a NaN's payload through arithmetic); everything else bitwise where the kernels
 * are documented bitwise, within float-exp tolerance for sigmoid, tanh and the losses.
 */
class NonFiniteTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f};
    private static final Backend ORACLE = ScalarBackend.create();
    private static final List<Backend> BACKENDS = new ArrayList<>();
    private static Map<String, String[]> torch;

    @BeforeAll
    static void setUp() throws IOException {
        BACKENDS.add(ORACLE);
        for (int threads : new int[] {1, 2}) {
            BACKENDS.add(Backends.create("vector", threads));
            BACKENDS.add(Backends.create("auto", threads));
            Availability blas = Backends.factories().get("blas").availability();
            if (blas.available()) BACKENDS.add(Backends.create("blas", threads));
            else if (Prerequisites.strict()) fail("prerequisite missing (vectorgrad.test.strict=true): OpenBLAS: " + blas.reason());
            else System.err.println("SKIPPED: the blas backend in NonFiniteTest (the others run): " + blas.reason());
        }
        torch = new HashMap<>();
        try (InputStream in = NonFiniteTest.class.getResourceAsStream("/nonfinite/torch_nonfinite.txt")) {
            assertNotNull(in, "fixture nonfinite/torch_nonfinite.txt missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] parts = line.split(" ");
                torch.put(parts[0], parts);
            }
        }
    }

    @AfterAll
    static void tearDown() {
        for (Backend b : BACKENDS) {
            try {
                b.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- fixtures and comparisons -------------------------------------------------------------------------

    private static float[] f(String name) {
        String[] p = torch.get(name);
        assertNotNull(p, "fixture " + name);
        assertEquals("f", p[1], name);
        float[] v = new float[p.length - 2];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat((int) Long.parseLong(p[i + 2], 16));
        return v;
    }

    private static int[] ints(String name) {
        String[] p = torch.get(name);
        assertNotNull(p, "fixture " + name);
        assertEquals("i", p[1], name);
        int[] v = new int[p.length - 2];
        for (int i = 0; i < v.length; i++) v[i] = Integer.parseInt(p[i + 2]);
        return v;
    }

    private static String name(Backend b) {
        return b.name() + "/" + b.threads();
    }

    /** Same bits, except that any NaN equals any NaN. -0 and +0 differ. */
    private static void sameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + " [" + i + "]: got " + got[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[i])) + "), want " + want[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[i])) + ")");
            }
        }
    }

    /** NaN where and only where expected, the same infinities, finite values within float-exp tolerance. */
    private static void close(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) close(want[i], got[i], what + " [" + i + "]");
    }

    private static void close(double want, double got, String what) {
        boolean ok = Double.isNaN(want) ? Double.isNaN(got)
                : Double.isInfinite(want) ? want == got
                : Double.isFinite(got) && Math.abs(want - got) <= 2e-6 + 1e-5 * Math.abs(want);
        if (!ok) fail(what + ": got " + got + ", want " + want);
    }

    private static float[] sprinkled(SplittableRandom rng, int n, double fraction) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble() < fraction ? SPECIAL[rng.nextInt(SPECIAL.length)] : (float) (rng.nextGaussian() * 3);
        }
        return x;
    }

    // ---- activations ----------------------------------------------------------------------------------------

    private record Act(String fixture, Activation act, float alpha, boolean bitwise) {}

    private static final Act[] ACTS = {
        new Act("relu", Activation.RELU, 0f, true), new Act("leaky", Activation.LEAKY_RELU, 0.1f, true),
        new Act("sigmoid", Activation.SIGMOID, 0f, false), new Act("tanh", Activation.TANH, 0f, false)};

    @Test
    void activationsMatchPyTorchOnNanAndInfinities() {
        for (Act a : ACTS) {
            float[] x = f(a.fixture + ".x"), dy = f(a.fixture + ".dy"), wantY = f(a.fixture + ".y"), wantDx = f(a.fixture + ".dx");
            int n = x.length;
            for (Backend b : BACKENDS) {
                String what = a.fixture + " on " + name(b);
                float[] y = new float[n], dx = new float[n];
                b.pointwise().activationForward(a.act, a.alpha, n, x, 0, y, 0);
                b.pointwise().activationBackward(a.act, a.alpha, n, y, 0, dy, 0, dx, 0);
                float[] inPlace = x.clone();
                b.pointwise().activationForward(a.act, a.alpha, n, inPlace, 0, inPlace, 0);
                if (a.bitwise) {
                    sameBits(wantY, y, what + " forward");
                    sameBits(wantDx, dx, what + " backward");
                    sameBits(wantY, inPlace, what + " forward in place");
                } else {
                    close(wantY, y, what + " forward");
                    close(wantDx, dx, what + " backward");
                    close(wantY, inPlace, what + " forward in place");
                }
            }
        }
    }

    @Test
    void reluPropagatesNanAndKeepsNegativeZeroAsPyTorch() {
        float[] x = {Float.NaN, -0f, 0f, -3f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] want = {Float.NaN, -0f, 0f, 0f, 2f, 0f, Float.POSITIVE_INFINITY};
        // backward: dx = y <= 0 ? 0 : dy (PyTorch's threshold_backward): NaN output passes dy, dead units give +0 even for NaN dy
        float[] dy = {5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NaN, 7f, Float.NaN, -1f};
        float[] wantDx = {5f, 0f, 0f, 0f, 7f, 0f, -1f};
        for (Backend b : BACKENDS) {
            for (int pad : new int[] {0, 64}) { // alone (scalar tail) and inside a vector body
                int n = x.length + pad;
                float[] xs = new float[n], dys = new float[n], y = new float[n], dx = new float[n];
                System.arraycopy(x, 0, xs, pad, x.length);
                System.arraycopy(dy, 0, dys, pad, dy.length);
                b.pointwise().activationForward(Activation.RELU, 0f, n, xs, 0, y, 0);
                b.pointwise().activationBackward(Activation.RELU, 0f, n, y, 0, dys, 0, dx, 0);
                sameBits(want, java.util.Arrays.copyOfRange(y, pad, n), "ReLU forward on " + name(b) + " at offset " + pad);
                sameBits(wantDx, java.util.Arrays.copyOfRange(dx, pad, n), "ReLU backward on " + name(b) + " at offset " + pad);
            }
        }
    }

    @Test
    void activationsOnRandomNonFiniteValuesMatchTheOracle() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 17, 33, 100, 1023, (1 << 17) + 5}) {
            float[] x = sprinkled(rng, n, 0.1), dy = sprinkled(rng, n, 0.05);
            for (Activation act : Activation.values()) {
                float alpha = act == Activation.LEAKY_RELU ? 0.01f : 0f;
                float[] wantY = new float[n], wantDx = new float[n];
                ORACLE.pointwise().activationForward(act, alpha, n, x, 0, wantY, 0);
                ORACLE.pointwise().activationBackward(act, alpha, n, act.backwardFromInput() ? x : wantY, 0, dy, 0, wantDx, 0);
                for (int i = 0; i < n; i++) {
                    if (Float.isNaN(x[i])) assertTrue(Float.isNaN(wantY[i]), act + "(NaN) must be NaN, got " + wantY[i]);
                }
                for (Backend b : BACKENDS) {
                    String what = act + " n=" + n + " on " + name(b);
                    float[] y = new float[n], dx = new float[n];
                    b.pointwise().activationForward(act, alpha, n, x, 0, y, 0);
                    b.pointwise().activationBackward(act, alpha, n, act.backwardFromInput() ? x : wantY, 0, dy, 0, dx, 0);
                    if (java.util.EnumSet.of(Activation.SIGMOID, Activation.TANH, Activation.GELU, Activation.GELU_TANH, Activation.SILU).contains(act)) {
                        close(wantY, y, what);
                        close(wantDx, dx, what + " backward");
                    } else {
                        sameBits(wantY, y, what);
                        sameBits(wantDx, dx, what + " backward");
                    }
                }
            }
        }
    }

    // ---- max pooling ----------------------------------------------------------------------------------------

    private static PoolGeometry pool(int[] s) {
        return new PoolGeometry(s[0], s[1], s[2], s[3], s[4], s[4], s[5], s[5], s[6], s[6], true);
    }

    @Test
    void maxPoolMatchesPyTorchOnNanAndInfinities() {
        for (String c : new String[] {"pool2a", "pool2b", "pool3"}) {
            PoolGeometry p = pool(ints(c + ".shape"));
            float[] x = f(c + ".x"), wantY = f(c + ".y"), dy = f(c + ".dy"), wantDx = f(c + ".dx");
            int[] planeIdx = ints(c + ".idx");
            int[] wantArgmax = new int[planeIdx.length];
            int per = p.outH() * p.outW();
            for (int o = 0; o < planeIdx.length; o++) wantArgmax[o] = (o / per) * p.inH() * p.inW() + planeIdx[o]; // PyTorch's are per plane
            for (Backend b : BACKENDS) {
                String what = c + " on " + name(b);
                float[] y = new float[p.outputSize()], dx = new float[p.inputSize()];
                int[] argmax = new int[p.outputSize()];
                b.pooling().maxForward(p, x, 0, y, 0, argmax);
                sameBits(wantY, y, what + " forward");
                assertEquals(java.util.Arrays.toString(wantArgmax), java.util.Arrays.toString(argmax), what + " arg-max (PyTorch records the last NaN)");
                b.pooling().maxBackward(p, dy, 0, argmax, dx, 0);
                close(wantDx, dx, what + " backward");
            }
        }
    }

    @Test
    void maxPoolOnRandomNonFiniteValuesMatchesTheOracle() {
        SplittableRandom rng = new SplittableRandom(19);
        int[][] shapes = { // batch, channels, h, w, kernel, stride, pad
            {2, 3, 28, 28, 2, 2, 0}, {1, 2, 9, 70, 2, 2, 0}, {3, 2, 7, 5, 2, 2, 0}, {2, 2, 5, 6, 3, 1, 1}, {1, 3, 8, 9, 3, 2, 1}, {2, 1, 6, 6, 2, 1, 0}};
        for (int[] s : shapes) {
            PoolGeometry p = pool(s);
            for (double fraction : new double[] {0.05, 0.4}) {
                float[] x = sprinkled(rng, p.inputSize(), fraction), dy = sprinkled(rng, p.outputSize(), 0);
                float[] wantY = new float[p.outputSize()], wantDx = new float[p.inputSize()];
                int[] wantArgmax = new int[p.outputSize()];
                ORACLE.pooling().maxForward(p, x, 0, wantY, 0, wantArgmax);
                ORACLE.pooling().maxBackward(p, dy, 0, wantArgmax, wantDx, 0);
                for (Backend b : BACKENDS) {
                    String what = "max pool " + java.util.Arrays.toString(s) + " NaN/Inf fraction " + fraction + " on " + name(b);
                    float[] y = new float[p.outputSize()], dx = new float[p.inputSize()];
                    int[] argmax = new int[p.outputSize()];
                    b.pooling().maxForward(p, x, 0, y, 0, argmax);
                    sameBits(wantY, y, what);
                    assertEquals(java.util.Arrays.toString(wantArgmax), java.util.Arrays.toString(argmax), what + " arg-max");
                    b.pooling().maxBackward(p, dy, 0, argmax, dx, 0);
                    close(wantDx, dx, what + " backward");
                }
            }
        }
    }

    // ---- arg-max --------------------------------------------------------------------------------------------

    @Test
    void argmaxTreatsNanAsTheLargestValueAsPyTorch() {
        int[] shape = ints("argmax.shape");
        float[] x = f("argmax.x");
        int[] want = ints("argmax.idx");
        for (Backend b : BACKENDS) {
            int[] got = new int[shape[0]];
            b.losses().argmaxRows(shape[0], shape[1], x, 0, got, 0);
            assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), "argmax on " + name(b));
        }
        SplittableRandom rng = new SplittableRandom(29);
        for (int cols : new int[] {1, 2, 7, 10, 16, 17, 64, 100, 1000}) {
            int rows = 40;
            float[] r = sprinkled(rng, rows * cols, 0.02);
            for (int row = 0; row < rows; row += 5) r[row * cols + rng.nextInt(cols)] = Float.NaN; // some rows surely hold one
            int[] expect = new int[rows];
            for (int row = 0; row < rows; row++) { // the definition, written out: the first NaN, else the first maximum
                int best = 0;
                for (int j = 0; j < cols; j++) {
                    float v = r[row * cols + j];
                    if (Float.isNaN(v)) {
                        best = j;
                        break;
                    }
                    if (v > r[row * cols + best]) best = j;
                }
                expect[row] = best;
            }
            for (Backend b : BACKENDS) {
                int[] got = new int[rows];
                b.losses().argmaxRows(rows, cols, r, 0, got, 0);
                assertEquals(java.util.Arrays.toString(expect), java.util.Arrays.toString(got), "argmax " + rows + "x" + cols + " on " + name(b));
            }
        }
    }

    // ---- the trainer's finiteness check ---------------------------------------------------------------------

    @Test
    void allFiniteFindsEveryNanAndInfinityAtEveryPosition() {
        SplittableRandom rng = new SplittableRandom(39);
        // up to several rounds of the four 16-lane chains at 512 bits, with every kind of tail
        for (int n : new int[] {0, 1, 5, 16, 31, 32, 33, 47, 100, 129, 200, 257}) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 1e37); // large but finite
            x[0] = Float.NaN; // outside the range checked below (offset 1, length n)
            x[n + 2] = Float.POSITIVE_INFINITY;
            for (Backend b : BACKENDS) {
                assertTrue(b.pointwise().allFinite(n, x, 1), "finite values, n=" + n + " on " + name(b));
                for (int at = 0; at < n; at++) {
                    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        float keep = x[1 + at];
                        x[1 + at] = bad;
                        if (b.pointwise().allFinite(n, x, 1)) fail(bad + " at " + at + " of " + n + " not seen on " + name(b));
                        x[1 + at] = keep;
                    }
                }
            }
        }
    }

    // ---- losses ---------------------------------------------------------------------------------------------

    @Test
    void softmaxCrossEntropyMatchesPyTorchOnNanAndInfiniteLogits() {
        int[] shape = ints("ce.shape"), labels = ints("ce.labels");
        int rows = shape[0], cols = shape[1];
        float[] x = f("ce.x"), wantLoss = f("ce.loss"), wantGrad = f("ce.grad");
        for (Backend b : BACKENDS) {
            for (int r = 0; r < rows; r++) {
                String what = "cross-entropy row " + r + " on " + name(b);
                float[] grad = new float[cols];
                double l = b.losses().softmaxCrossEntropy(1, cols, x, r * cols, labels, r, grad, 0, 1f);
                close(wantLoss[r], l, what + " loss");
                close(java.util.Arrays.copyOfRange(wantGrad, r * cols, (r + 1) * cols), grad, what + " gradient");
            }
            // a batch holding one NaN row has a NaN mean
            double all = b.losses().softmaxCrossEntropy(rows, cols, x, 0, labels, 0, new float[rows * cols], 0, 1f / rows);
            assertTrue(Double.isNaN(all), "mean cross-entropy over rows with NaN must be NaN on " + name(b) + ", got " + all);
        }
    }

    /**
     * Binary cross-entropy and MSE, element by element. Wherever PyTorch's value is finite ours is close; wherever
     * it is not finite neither is ours (PyTorch's own formula gives NaN for BCE at logit -Inf with target 1, where
     * ours gives the exact +Inf: both are non-finite and stop training the same way); and ours never makes a NaN
     * or Inf where PyTorch has a finite value.
     */
    @Test
    void bceAndMseNeverHideNonFiniteValues() {
        for (String loss : new String[] {"bce", "mse"}) {
            float[] x = f(loss + ".x"), t = f(loss + ".t"), wantLoss = f(loss + ".loss"), wantGrad = f(loss + ".grad");
            for (Backend b : BACKENDS) {
                for (int i = 0; i < x.length; i++) {
                    String what = loss + " x=" + x[i] + " t=" + t[i] + " on " + name(b);
                    float[] grad = new float[1];
                    double l = loss.equals("bce") ? b.losses().binaryCrossEntropyWithLogits(1, x, i, t, i, grad, 0, 1f)
                            : b.losses().meanSquaredError(1, x, i, t, i, grad, 0, 1f);
                    if (Float.isFinite(wantLoss[i])) close(wantLoss[i], l, what + " loss");
                    else assertTrue(!Double.isFinite(l), what + ": PyTorch's loss is " + wantLoss[i] + ", ours " + l);
                    if (Float.isFinite(wantGrad[i])) close(wantGrad[i], grad[0], what + " gradient");
                    else assertTrue(!Float.isFinite(grad[0]), what + ": PyTorch's gradient is " + wantGrad[i] + ", ours " + grad[0]);
                }
            }
        }
    }
}
