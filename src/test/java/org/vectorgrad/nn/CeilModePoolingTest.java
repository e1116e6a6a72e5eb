package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.tensor.Tensor;

/**
 * MaxPool2d and AvgPool2d in ceil mode (PyTorch's {@code ceil_mode=True}) against a plain double-precision reference
 * written here from PyTorch 1.13's CPU kernels ({@code pooling_output_shape_pad_lr}, {@code cpu_max_pool},
 * {@code cpu_avg_pool}), on the scalar and vector backends: output sizes, forward values, and input gradients
 * against central differences of that reference in double (exact for these piecewise-linear functions away from
 * ties, which the max-pool inputs avoid). Shapes are drawn at random (odd sizes, padding, stride above and below the
 * kernel, 1-wide inputs) and listed by hand for the edges; most of them give ceil mode more outputs than floor mode,
 * and the test checks that they do. {@code ConvPoolPyTorchTest} compares with PyTorch itself.
 */
class CeilModePoolingTest {
    private static Backend vector;
    private static final Backend SCALAR = ScalarBackend.create();

    @BeforeAll
    static void open() { vector = VectorBackend.create(3); }

    @AfterAll
    static void close() { vector.close(); }

    private static Backend[] backends() { return new Backend[] {SCALAR, vector}; }

    /** A pool over input [n, c, h, w]. */
    record Case(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        int outH(boolean ceil) { return refOut(h, kh, sh, ph, ceil); }
        int outW(boolean ceil) { return refOut(w, kw, sw, pw, ceil); }
        /** Whether ceil mode gives this pool a different output size than floor mode (or any, where floor gives none). */
        boolean ceilDiffers() { return outH(true) != outH(false) || outW(true) != outW(false); }
        MaxPool2d max() { return new MaxPool2d(kh, kw, sh, sw, ph, pw, true); }
        AvgPool2d avg(boolean include) { return new AvgPool2d(kh, kw, sh, sw, ph, pw, include, true); }
        @Override public String toString() {
            return "[" + n + ", " + c + ", " + h + ", " + w + "] kernel " + kh + "x" + kw + " stride " + sh + "x" + sw + " pad " + ph + "x" + pw;
        }
    }

    // ------------------------------------------------------------------------------------------- the reference

    /**
     * PyTorch's pooling_output_shape_pad_lr as written there (dilation 1): div_rtn(in + 2p - (k - 1) - 1 + (ceil ? s - 1 : 0), s) + 1,
     * then one less in ceil mode when the last window starts at or past in + p. Below 1: PyTorch refuses the shape.
     */
    static int refOut(int in, int k, int s, int p, boolean ceil) {
        int num = in + 2 * p - (k - 1) - 1 + (ceil ? s - 1 : 0);
        int q = num / s;
        if (num % s != 0 && num < 0) q--; // div_rtn: toward -infinity
        int out = q + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    /**
     * The forward in double, PyTorch's loops: start = o·s - p, end = min(start + k, in + p), pool_size = the product
     * of (end - start) before clipping to the input; max over the clipped window; average divided by pool_size with
     * count_include_pad, else by the clipped window's size.
     */
    static double[] reference(Case k, boolean max, boolean include, double[] x) {
        int oh = k.outH(true), ow = k.outW(true);
        double[] y = new double[k.n * k.c * oh * ow];
        for (int plane = 0; plane < k.n * k.c; plane++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int hs = oy * k.sh - k.ph, ws = ox * k.sw - k.pw;
                    int he = Math.min(hs + k.kh, k.h + k.ph), we = Math.min(ws + k.kw, k.w + k.pw);
                    int poolSize = (he - hs) * (we - ws);
                    hs = Math.max(hs, 0);
                    ws = Math.max(ws, 0);
                    he = Math.min(he, k.h);
                    we = Math.min(we, k.w);
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int i = hs; i < he; i++) {
                        for (int j = ws; j < we; j++) {
                            double v = x[(plane * k.h + i) * k.w + j];
                            best = Math.max(best, v);
                            sum += v;
                        }
                    }
                    if (he <= hs || we <= ws) throw new AssertionError(k + ": output (" + oy + ", " + ox + ") has an empty window");
                    y[(plane * oh + oy) * ow + ox] = max ? best : sum / (include ? poolSize : (he - hs) * (we - ws));
                }
            }
        }
        return y;
    }

    /** dL/dx of L = Σ dy·y(x) by central differences of {@link #reference} in double, every coordinate. */
    static double[] referenceGradient(Case k, boolean max, boolean include, double[] x, float[] dy) {
        double h = 1e-4; // far below the 0.02 gaps of the max-pool inputs: no arg-max moves
        double[] g = new double[x.length], probe = x.clone();
        for (int i = 0; i < x.length; i++) {
            probe[i] = x[i] + h;
            double up = dot(dy, reference(k, max, include, probe));
            probe[i] = x[i] - h;
            double down = dot(dy, reference(k, max, include, probe));
            probe[i] = x[i];
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    // ------------------------------------------------------------------------------------------- the cases

    /** Edges by hand, then random pools that PyTorch accepts in ceil mode, most of them with a partial last window. */
    static List<Case> cases() {
        List<Case> out = new ArrayList<>(List.of(
                new Case(2, 3, 7, 9, 2, 2, 2, 2, 0, 0),     // the CNN's 2×2/2 on odd sizes: a partial last row and column
                new Case(1, 2, 14, 14, 2, 2, 2, 2, 0, 0),   // even sizes: ceil is floor (the vectorized 2×2 path)
                new Case(1, 3, 1, 1, 2, 2, 2, 2, 0, 0),     // a 2×2 window over a 1×1 input: one output (floor: none)
                new Case(2, 1, 1, 9, 2, 3, 2, 2, 0, 1),     // 1 high: the window larger than the input
                new Case(1, 2, 8, 1, 3, 1, 2, 1, 1, 0),     // 1 wide
                new Case(1, 2, 6, 6, 3, 3, 2, 2, 1, 1),     // padding, then a last window over the bottom/right padding's end
                new Case(1, 1, 5, 5, 3, 3, 2, 2, 1, 1),     // the last window would start in the padding: dropped
                new Case(2, 2, 9, 10, 2, 2, 3, 3, 0, 0),    // stride > kernel: rows dropped by the rule, columns not
                new Case(1, 2, 8, 8, 3, 3, 2, 2, 0, 0),     // overlapping windows, a partial last one
                new Case(1, 1, 11, 13, 4, 4, 3, 3, 2, 2),   // kernel 4, stride 3, padding 2
                new Case(1, 2, 2, 2, 3, 3, 2, 2, 0, 0),     // a 3×3 window over a 2×2 input
                new Case(3, 1, 10, 5, 3, 2, 3, 1, 1, 0)));  // non-square everything
        SplittableRandom r = new SplittableRandom(2024);
        while (out.size() < 120) {
            int kh = 1 + r.nextInt(4), kw = r.nextBoolean() ? kh : 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(5), sw = r.nextBoolean() ? sh : 1 + r.nextInt(5);
            Case k = new Case(1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(11), 1 + r.nextInt(11), kh, kw, sh, sw,
                    r.nextInt(kh / 2 + 1), r.nextInt(kw / 2 + 1));
            // mostly pools whose size ceil mode changes (a stride of 1 never does), some where it is floor mode's
            if (k.outH(true) >= 1 && k.outW(true) >= 1 && (k.ceilDiffers() || r.nextInt(4) == 0)) out.add(k);
        }
        return out;
    }

    private static double[] toDouble(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = t.getFlat(i);
        return d;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    private static void assertClose(double[] want, Tensor got, double tol, String what) {
        assertEquals(want.length, got.size(), what + ": size");
        for (int i = 0; i < want.length; i++) {
            double g = got.getFlat(i);
            if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
                fail(what + " [" + i + "]: ours " + g + ", reference " + want[i]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- the tests

    @Test
    void theCasesExerciseCeilMode() {
        List<Case> cases = cases();
        long differ = cases.stream().filter(Case::ceilDiffers).count();
        assertTrue(differ >= cases.size() / 2, "cases where ceil mode changes the output size: " + differ + " of " + cases.size());
        assertTrue(cases.stream().anyMatch(k -> k.outH(false) < 1 || k.outW(false) < 1), "a case floor mode refuses");
        assertTrue(cases.stream().anyMatch(k -> k.h == 1 || k.w == 1), "a 1-wide input");
        assertTrue(cases.stream().anyMatch(k -> k.sh > k.kh && k.ceilDiffers()), "stride above the kernel");
        assertTrue(cases.stream().anyMatch(k -> k.sh < k.kh && k.ceilDiffers()), "overlapping windows");
    }

    @Test
    void outputSizesArePyTorchs() {
        // {in, kernel, stride, padding, floor size (0: refused), ceil size}, printed by PyTorch 1.13's F.max_pool2d
        int[][] torch = {{5, 2, 2, 0, 2, 3}, {7, 2, 2, 0, 3, 4}, {6, 2, 2, 0, 3, 3}, {1, 2, 2, 0, 0, 1}, {6, 3, 2, 1, 3, 4},
                {5, 3, 2, 1, 3, 3}, {2, 3, 2, 0, 0, 1}, {9, 2, 3, 0, 3, 3}, {10, 2, 3, 0, 3, 4}, {8, 3, 2, 0, 3, 4},
                {3, 1, 2, 0, 2, 2}, {4, 3, 3, 1, 2, 2}, {11, 4, 3, 2, 4, 5}};
        for (int[] t : torch) {
            String what = "in " + t[0] + ", kernel " + t[1] + ", stride " + t[2] + ", padding " + t[3];
            assertEquals(t[5], PoolGeometry.outputSize(t[0], t[1], t[2], t[3], true), what + ", ceil");
            assertEquals(t[5], refOut(t[0], t[1], t[2], t[3], true), what + ", ceil (the test's reference)");
            assertEquals(t[4], Math.max(0, PoolGeometry.outputSize(t[0], t[1], t[2], t[3], false)), what + ", floor");
            PoolGeometry g = new PoolGeometry(1, 1, t[0], t[0], t[1], t[1], t[2], t[2], t[3], t[3], true, true);
            assertEquals(t[5], g.outH(), what);
            assertEquals(t[5], g.outW(), what);
        }
        for (Case k : cases()) {
            for (Backend be : backends()) {
                MaxPool2d max = k.max();
                max.bind(be);
                Tensor y = max.forward(Tensor.zeros(k.n, k.c, k.h, k.w), false);
                assertArrayEquals(new int[] {k.n, k.c, k.outH(true), k.outW(true)}, y.shape(), k + " on " + be.name());
            }
        }
    }

    @Test
    void maxPoolForwardAndBackwardMatchTheDoubleReference() {
        int n = 0;
        List<Case> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            Case k = cases.get(i);
            Tensor x = Conv2dTest.distinct(i, k.n, k.c, k.h, k.w); // 0.02 apart: no ties
            float[] dy = random(new SplittableRandom(i), k.n * k.c * k.outH(true) * k.outW(true));
            double[] xd = toDouble(x), want = reference(k, true, true, xd), grad = referenceGradient(k, true, true, xd, dy);
            for (Backend be : backends()) {
                MaxPool2d pool = k.max();
                pool.bind(be);
                String what = pool.describe() + " over " + k + " on " + be.name();
                Tensor y = pool.forward(x, true);
                assertClose(want, y, 0, what + " y"); // a max is one of the inputs: exact
                assertClose(grad, pool.backward(Tensor.of(dy.clone(), y.shape())), 1e-5, what + " dx");
                n++;
            }
        }
        assertTrue(n >= 200, "checks: " + n);
    }

    @Test
    void averagePoolForwardAndBackwardMatchTheDoubleReferenceBothDivisors() {
        List<Case> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            Case k = cases.get(i);
            SplittableRandom r = new SplittableRandom(1000 + i);
            Tensor x = Tensor.of(random(r, k.n * k.c * k.h * k.w), k.n, k.c, k.h, k.w);
            float[] dy = random(r, k.n * k.c * k.outH(true) * k.outW(true));
            for (boolean include : new boolean[] {true, false}) {
                double[] xd = toDouble(x), want = reference(k, false, include, xd), grad = referenceGradient(k, false, include, xd, dy);
                for (Backend be : backends()) {
                    AvgPool2d pool = k.avg(include);
                    pool.bind(be);
                    String what = pool.describe() + " over " + k + " on " + be.name();
                    Tensor y = pool.forward(x, true);
                    assertClose(want, y, 1e-5, what + " y"); // float sums of up to 16 terms
                    assertClose(grad, pool.backward(Tensor.of(dy.clone(), y.shape())), 1e-5, what + " dx");
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheLayers() {
        Case[] max = {new Case(3, 2, 7, 10, 2, 2, 2, 2, 0, 0), new Case(3, 2, 7, 10, 3, 3, 2, 2, 1, 1), new Case(3, 2, 7, 10, 2, 3, 3, 2, 1, 0)};
        Case[] avg = {new Case(3, 2, 7, 8, 2, 2, 2, 2, 0, 0), new Case(3, 2, 7, 8, 3, 3, 2, 2, 1, 1), new Case(3, 2, 7, 8, 2, 3, 3, 2, 0, 1)};
        for (Backend be : backends()) {
            for (Case k : max) {
                assertTrue(k.ceilDiffers(), k + ": a partial window");
                MaxPool2d pool = k.max();
                pool.bind(be);
                // distinct values 0.02 apart: no ties, so the arg-max is stable under the ±h probes
                GradientCheck.Report r = GradientCheck.check(pool, Conv2dTest.distinct(5, k.n, k.c, k.h, k.w),
                        GradientCheck.randomProjection(2), GradientCheck.Options.defaults().withStep(3e-3));
                r.assertPassed();
                assertEquals(0, r.skippedNearKinks(), pool.describe() + ": " + r);
            }
            for (int i = 0; i < avg.length; i++) {
                assertTrue(avg[i].ceilDiffers(), avg[i] + ": a partial window");
                AvgPool2d pool = avg[i].avg(i < 2);
                pool.bind(be);
                GradientCheck.check(pool, Tensor.randn(4, 0f, 1f, avg[i].n, avg[i].c, avg[i].h, avg[i].w)).assertPassed();
            }
        }
    }

    @Test
    void aPartialWindowTakesTheMaxOfWhatItHoldsAndPropagatesNaN() {
        // 3×3 input, 2×2/2 in ceil mode: outputs 2×2; the last row and column of windows hold 2, 2 and 1 inputs
        for (Backend be : backends()) {
            MaxPool2d pool = new MaxPool2d(2, 2, 0, true);
            pool.bind(be);
            Tensor x = Tensor.of(new float[] {1, 2, -5, 4, 3, -7, Float.NEGATIVE_INFINITY, 6, Float.NaN}, 1, 1, 3, 3);
            Tensor y = pool.forward(x, true);
            assertEquals(4f, y.getFlat(0), be.name());
            assertEquals(-5f, y.getFlat(1), be.name());         // column 2 only: -5 over -7
            assertEquals(6f, y.getFlat(2), be.name());          // row 2 only: 6 over -inf
            assertTrue(Float.isNaN(y.getFlat(3)), be.name());   // the corner window holds just the NaN
            Tensor dx = pool.backward(Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2));
            assertArrayEquals(new float[] {0, 0, 20, 10, 0, 0, 0, 30, 40}, dx.toArray(), be.name());
            // an all -inf partial window gives -inf, and its gradient goes to its first element
            y = pool.forward(Tensor.of(new float[] {0, 0, -1 / 0f, 0, 0, -1 / 0f, 0, 0, 0}, 1, 1, 3, 3), true);
            assertEquals(Float.NEGATIVE_INFINITY, y.getFlat(1), be.name());
            assertEquals(30f, pool.backward(Tensor.of(new float[] {10, 30, 20, 40}, 1, 1, 2, 2)).getFlat(2), be.name());
            // average: +inf in a partial window stays +inf, and the divisor is PyTorch's (here the window's 2 inputs)
            AvgPool2d avg = new AvgPool2d(2, 2, 0, true);
            avg.bind(be);
            Tensor ya = avg.forward(Tensor.of(new float[] {1, 1, 3, 1, 1, 5, 1, 1 / 0f, 7}, 1, 1, 3, 3), true);
            assertArrayEquals(new float[] {1, 4, Float.POSITIVE_INFINITY, 7}, ya.toArray(), be.name());
        }
    }

    @Test
    void aWindowLargerThanTheInputByLessThanTheStrideIsOneOutputElseRefused() {
        for (Backend be : backends()) {
            Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 1, 1, 2, 2);
            MaxPool2d max = new MaxPool2d(3, 2, 0, true);
            max.bind(be);
            assertArrayEquals(new float[] {3}, max.forward(x, false).toArray()); // PyTorch: tensor([[[[3.]]]])
            AvgPool2d avg = new AvgPool2d(3, 2, 0, true);
            avg.bind(be);
            assertArrayEquals(new float[] {1.5f}, avg.forward(x, false).toArray()); // PyTorch: 1.5 (6 / the 2×2 inside)
            MaxPool2d floor = new MaxPool2d(3, 2, 0);
            floor.bind(be);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> floor.forward(x, false));
            assertTrue(e.getMessage().contains("larger than the padded input") && !e.getMessage().contains("ceil"), e.getMessage());
            MaxPool2d tooLarge = new MaxPool2d(3, 1, 0, true); // larger by 1, stride 1: PyTorch's "Output size is too small"
            tooLarge.bind(be);
            e = assertThrows(IllegalArgumentException.class, () -> tooLarge.forward(Tensor.zeros(1, 1, 2, 2), false));
            assertTrue(e.getMessage().startsWith("MaxPool2d(kernel 3x3, stride 1x1, ceil mode)") && e.getMessage().contains("[1, 1, 2, 2]")
                    && e.getMessage().contains("(ceil mode): no output"), e.getMessage());
        }
    }

    @Test
    void describeSaysCeilModeAndAccessorsTellIt() {
        assertEquals("MaxPool2d(kernel 2x2, stride 2x2, ceil mode)", new MaxPool2d(2, 2, 0, true).describe());
        assertEquals("MaxPool2d(kernel 2x2, stride 2x2)", new MaxPool2d(2, 2).describe());
        assertEquals("AvgPool2d(kernel 3x3, stride 2x2, padding 1x1, padding not counted, ceil mode)",
                new AvgPool2d(3, 3, 2, 2, 1, 1, false, true).describe());
        assertEquals("AvgPool2d(kernel 3x3, stride 2x2, padding 1x1)", new AvgPool2d(3, 2, 1).describe());
        assertTrue(new MaxPool2d(3, 2, 1, true).ceilMode());
        assertTrue(!new MaxPool2d(3, 2, 1).ceilMode() && !new MaxPool2d(2, 2, 2, 2, 0, 0).ceilMode());
        AvgPool2d a = new AvgPool2d(3, 2, 1, true);
        assertTrue(a.ceilMode() && a.countIncludePad());
        assertTrue(!new AvgPool2d(3, 3, 2, 2, 1, 1, false).ceilMode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2, true));
        assertTrue(e.getMessage().startsWith("MaxPool2d") && e.getMessage().contains("half the kernel"), e.getMessage());
    }
}
