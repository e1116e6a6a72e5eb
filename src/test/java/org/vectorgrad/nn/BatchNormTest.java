package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.check.GradientCheck.Report;
import org.vectorgrad.tensor.Tensor;

/** BatchNorm1d/2d: gradient checks in both modes, PyTorch's train/eval semantics, buffers, errors. */
class BatchNormTest {
    private static final Backend SCALAR = new ScalarBackend();
    private static final VectorBackend VECTOR = new VectorBackend(2);

    /**
     * The float32 finite-difference check with an absolute floor of 2e-2 instead of 1e-3: dL/dx of batch norm sums to
     * zero over each channel, so some of its elements are near 0, where float32 differences of the objective (about
     * 1e-6 of a sum of O(100) outputs, over a step of 1e-2) reach 1 % of them. The tight check is
     * {@link #backwardMatchesFiniteDifferencesOfADoubleReference}, in double.
     */
    static final GradientCheck.Options OPTIONS = new GradientCheck.Options(1e-2, 1e-2, 2e-2, 200, true, 42);

    @AfterAll
    static void close() { VECTOR.close(); }

    /** Runs the wrapped layer in evaluation mode whatever the caller asks (to gradient-check eval mode). */
    static Layer evalMode(Layer l) {
        return new Layer() {
            @Override public Tensor forward(Tensor input, boolean training) { return l.forward(input, false); }
            @Override public Tensor backward(Tensor gradOutput) { return l.backward(gradOutput); }
            @Override public List<Parameter> parameters() { return l.parameters(); }
            @Override public void bind(Backend backend) { l.bind(backend); }
            @Override public String describe() { return "eval " + l.describe(); }
        };
    }

    private static void randomize(BatchNorm bn, long seed) {
        if (bn.affine()) {
            bn.weight().value().copyFrom(Tensor.uniform(seed, 0.5f, 1.5f, bn.channels()));
            bn.bias().value().copyFrom(Tensor.uniform(seed + 1, -0.5f, 0.5f, bn.channels()));
        }
        if (bn.trackRunningStats()) {
            bn.runningMean().copyFrom(Tensor.uniform(seed + 2, -0.5f, 0.5f, bn.channels()));
            bn.runningVar().copyFrom(Tensor.uniform(seed + 3, 0.5f, 2f, bn.channels()));
        }
    }

    @Test
    void batchNorm2dGradientsMatchFiniteDifferencesInBothModes() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            for (int[] s : new int[][] {{2, 3, 4, 5}, {3, 2, 1, 1}, {2, 5, 3, 7}, {4, 1, 5, 5}}) {
                for (boolean affine : new boolean[] {true, false}) {
                    BatchNorm2d bn = new BatchNorm2d(s[1], 1e-5f, 0.1f, affine);
                    randomize(bn, 3);
                    bn.bind(be);
                    Tensor x = Tensor.randn(7, 1f, 2f, s);
                    Report r = GradientCheck.check(bn, x, GradientCheck.randomProjection(7), OPTIONS).assertPassed();
                    assertEquals(affine ? 3 : 1, r.maxRelativeError().size(), r.toString());
                    Layer ev = evalMode(bn);
                    GradientCheck.check(ev, x, GradientCheck.randomProjection(7), OPTIONS).assertPassed();
                }
            }
        }
    }

    @Test
    void batchNorm1dGradientsMatchFiniteDifferences() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            for (int[] s : new int[][] {{5, 3}, {2, 17}, {9, 33}, {3, 4, 6}}) {
                BatchNorm1d bn = new BatchNorm1d(s[1]);
                randomize(bn, 4);
                bn.bind(be);
                Tensor x = Tensor.randn(8, -1f, 3f, s);
                GradientCheck.check(bn, x, GradientCheck.randomProjection(7), OPTIONS).assertPassed();
                GradientCheck.check(evalMode(bn), x, GradientCheck.randomProjection(7), OPTIONS).assertPassed();
            }
        }
    }

    /**
     * Gradient check in double: an independent double-precision batch norm (training mode, the textbook formula)
     * is differentiated by central differences (step 1e-6) and compared with the float32 backward of both backends,
     * to 1e-4 relative (floor 1e-3); its outputs with the float forward likewise.
     */
    @Test
    void backwardMatchesFiniteDifferencesOfADoubleReference() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            for (int[] s : new int[][] {{2, 3, 4, 5}, {3, 2, 1, 1}, {2, 5, 3, 7}, {4, 1, 5, 5}, {5, 17, 1, 1}}) {
                int n = s[0], c = s[1], sp = s[2] * s[3];
                BatchNorm2d bn = new BatchNorm2d(c);
                randomize(bn, 11);
                bn.bind(be);
                Tensor x = Tensor.randn(13, 1f, 2f, s), r = Tensor.uniform(17, -1f, 1f, s);
                double[] xd = new double[x.size()], rd = new double[x.size()], g = new double[c], b = new double[c];
                for (int i = 0; i < xd.length; i++) { xd[i] = x.getFlat(i); rd[i] = r.getFlat(i); }
                for (int i = 0; i < c; i++) { g[i] = bn.weight().value().getFlat(i); b[i] = bn.bias().value().getFlat(i); }
                Tensor y = bn.forward(x, true);
                double[] yd = reference(n, c, sp, xd, g, b);
                for (int i = 0; i < yd.length; i++) assertEquals(yd[i], y.getFlat(i), 1e-5 * Math.max(1, Math.abs(yd[i])), "y[" + i + "]");
                bn.weight().zeroGrad();
                bn.bias().zeroGrad();
                Tensor dx = bn.backward(r);
                double h = 1e-6;
                for (int i = 0; i < xd.length; i++) {
                    double keep = xd[i];
                    xd[i] = keep + h;
                    double fp = dot(rd, reference(n, c, sp, xd, g, b));
                    xd[i] = keep - h;
                    double fm = dot(rd, reference(n, c, sp, xd, g, b));
                    xd[i] = keep;
                    double want = (fp - fm) / (2 * h);
                    assertEquals(want, dx.getFlat(i), 1e-4 * Math.max(1e-3, Math.abs(want)), "dx[" + i + "] shape " + java.util.Arrays.toString(s));
                }
                for (int ch = 0; ch < c; ch++) {
                    double keep = g[ch];
                    g[ch] = keep + h;
                    double fp = dot(rd, reference(n, c, sp, xd, g, b));
                    g[ch] = keep - h;
                    double fm = dot(rd, reference(n, c, sp, xd, g, b));
                    g[ch] = keep;
                    double want = (fp - fm) / (2 * h);
                    assertEquals(want, bn.weight().grad().getFlat(ch), 1e-4 * Math.max(1, Math.abs(want)), "dweight[" + ch + "]");
                    double wantB = 0;
                    for (int nb = 0; nb < n; nb++) for (int p = 0; p < sp; p++) wantB += rd[(nb * c + ch) * sp + p];
                    assertEquals(wantB, bn.bias().grad().getFlat(ch), 1e-4 * Math.max(1, Math.abs(wantB)), "dbias[" + ch + "]");
                }
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Batch norm in training mode, in double, from the definition. */
    static double[] reference(int n, int c, int sp, double[] x, double[] g, double[] b) {
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double mean = 0, var = 0;
            for (int nb = 0; nb < n; nb++) for (int p = 0; p < sp; p++) mean += x[(nb * c + ch) * sp + p];
            mean /= n * sp;
            for (int nb = 0; nb < n; nb++) for (int p = 0; p < sp; p++) var += Math.pow(x[(nb * c + ch) * sp + p] - mean, 2);
            var /= n * sp;
            for (int nb = 0; nb < n; nb++) {
                for (int p = 0; p < sp; p++) {
                    int i = (nb * c + ch) * sp + p;
                    y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[ch] + b[ch];
                }
            }
        }
        return y;
    }

    @Test
    void inAModelWithLossAndResidualProjection() {
        Sequential m = new Sequential(Residual.projection(new Sequential(
                        Conv2d.builder(2, 4).kernel(3).stride(2).padding(1).bias(false).seed(1).build(), new BatchNorm2d(4), new Tanh(),
                        Conv2d.builder(4, 4).kernel(3).padding(1).bias(false).seed(2).build(), new BatchNorm2d(4)), 2, 4, 2, 3),
                new Tanh(), new GlobalAvgPool2d(), new Dense(4, 3, 5)).on(SCALAR);
        var loss = new org.vectorgrad.loss.SoftmaxCrossEntropy();
        loss.bind(SCALAR);
        Report r = GradientCheck.check(m, Tensor.randn(3, 0f, 1f, 3, 2, 5, 5), GradientCheck.of(loss, new int[] {0, 2, 1}),
                GradientCheck.Options.defaults()).assertPassed();
        // conv, bn w/b, conv, bn w/b, shortcut conv, shortcut bn w/b, dense w/b, input
        assertEquals(12, r.maxRelativeError().size(), r.toString());
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnesEvalUsesRunning() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            BatchNorm2d bn = new BatchNorm2d(1);
            bn.bind(be);
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2); // mean 4.5, var 5.25, unbiased 6
            Tensor y = bn.forward(x, true).copy();
            assertEquals((float) ((1 - 4.5) / Math.sqrt(5.25 + 1e-5)), y.getFlat(0), 1e-6f);
            assertEquals(0.45f, bn.runningMean().getFlat(0), 1e-7f);
            assertEquals(0.9f + 0.6f, bn.runningVar().getFlat(0), 1e-6f);
            assertEquals(1, bn.numBatchesTracked());
            Tensor e = bn.forward(x, false);
            assertEquals((float) ((1 - 0.45) / Math.sqrt(1.5 + 1e-5)), e.getFlat(0), 1e-6f);
            assertEquals(1, bn.numBatchesTracked(), "eval does not count");
            BatchNorm2d untracked = new BatchNorm2d(1, 1e-5f, 0.1f, true, false);
            untracked.bind(be);
            assertArrayEquals(y.toArray(), untracked.forward(x, false).toArray(), "without running stats eval uses the batch's");
            assertNull(untracked.runningMean());
            assertEquals(List.of(), untracked.buffers());
        }
    }

    @Test
    void buffersAndParametersHavePyTorchNames() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias"), bn.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), bn.buffers().stream().map(Buffer::name).toList());
        assertTrue(bn.buffers().get(2).isInt64());
        assertArrayEquals(new int[0], bn.buffers().get(2).shape());
        assertEquals("BatchNorm2d(3)", bn.describe());
        assertEquals("BatchNorm1d(4, eps=0.001, momentum=0.3, affine=false)", new BatchNorm1d(4, 1e-3f, 0.3f, false).describe());
        Sequential s = new Sequential(new Dense(2, 3, 1), new BatchNorm1d(3), new Sum(new Identity(), new BatchNorm1d(3)));
        assertEquals(6, s.buffers().size());
    }

    @Test
    void wrongShapesAndSingleValueBatchesAreRefusedNamingTheLayer() {
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.bind(SCALAR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4, 2, 2), true));
        assertTrue(e.getMessage().startsWith("BatchNorm2d(3): input has shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 3), true));
        assertTrue(e.getMessage().contains("(N, C, H, W)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 3, 1, 1), true));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
        bn.forward(Tensor.zeros(1, 3, 1, 1), false); // eval with one value is fine, as in PyTorch
        BatchNorm1d b1 = new BatchNorm1d(5);
        b1.bind(SCALAR);
        e = assertThrows(IllegalArgumentException.class, () -> b1.forward(Tensor.zeros(2, 4), true));
        assertTrue(e.getMessage().startsWith("BatchNorm1d(5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(2, 0f, 0.1f, true));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(2, 1e-5f, 1.5f, true));
    }
}
