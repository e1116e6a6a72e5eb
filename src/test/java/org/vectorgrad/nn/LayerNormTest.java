package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.vectorgrad.io.Json;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.tensor.Tensor;

/** LayerNorm: gradient checks (float32 finite differences and a double reference), shapes, spec. */
class LayerNormTest {
    private static final Backend SCALAR = new ScalarBackend();
    private static final VectorBackend VECTOR = new VectorBackend(2);

    @AfterAll
    static void close() { VECTOR.close(); }

    private static LayerNorm randomized(long seed, int... shape) {
        LayerNorm ln = new LayerNorm(shape);
        ln.weight().value().copyFrom(Tensor.uniform(seed, 0.5f, 1.5f, shape));
        ln.bias().value().copyFrom(Tensor.uniform(seed + 1, -0.5f, 0.5f, shape));
        return ln;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            for (int[][] c : new int[][][] {{{3, 5}, {5}}, {{2, 3, 17}, {17}}, {{2, 3, 4}, {3, 4}}, {{4, 33}, {33}}, {{1, 2}, {2}}}) {
                LayerNorm ln = randomized(3, c[1]);
                ln.bind(be);
                Report r = GradientCheck.check(ln, Tensor.randn(5, 1f, 2f, c[0]), GradientCheck.randomProjection(7), BatchNormTest.OPTIONS).assertPassed();
                assertEquals(3, r.maxRelativeError().size(), r.toString());
            }
        }
    }

    /** Central differences (step 1e-6) of an independent double LayerNorm against the float32 backward, 1e-4 relative (floor 1e-3). */
    @Test
    void backwardMatchesFiniteDifferencesOfADoubleReference() {
        for (Backend be : new Backend[] {SCALAR, VECTOR}) {
            for (int[] s : new int[][] {{3, 5}, {4, 17}, {2, 40}, {6, 1 + 16}}) {
                int rows = s[0], d = s[1];
                LayerNorm ln = randomized(11, d);
                ln.bind(be);
                Tensor x = Tensor.randn(13, -1f, 2f, s), r = Tensor.uniform(17, -1f, 1f, s);
                double[] xd = new double[x.size()], rd = new double[x.size()], g = new double[d], b = new double[d];
                for (int i = 0; i < xd.length; i++) { xd[i] = x.getFlat(i); rd[i] = r.getFlat(i); }
                for (int i = 0; i < d; i++) { g[i] = ln.weight().value().getFlat(i); b[i] = ln.bias().value().getFlat(i); }
                Tensor y = ln.forward(x, true);
                double[] yd = reference(rows, d, xd, g, b);
                for (int i = 0; i < yd.length; i++) assertEquals(yd[i], y.getFlat(i), 1e-5 * Math.max(1, Math.abs(yd[i])), "y[" + i + "]");
                Tensor dx = ln.backward(r);
                double h = 1e-6;
                for (int i = 0; i < xd.length; i++) {
                    double keep = xd[i];
                    xd[i] = keep + h;
                    double fp = dot(rd, reference(rows, d, xd, g, b));
                    xd[i] = keep - h;
                    double fm = dot(rd, reference(rows, d, xd, g, b));
                    xd[i] = keep;
                    double want = (fp - fm) / (2 * h);
                    assertEquals(want, dx.getFlat(i), 1e-4 * Math.max(1e-3, Math.abs(want)), "dx[" + i + "]");
                }
                for (int j = 0; j < d; j++) {
                    double keep = g[j];
                    g[j] = keep + h;
                    double fp = dot(rd, reference(rows, d, xd, g, b));
                    g[j] = keep - h;
                    double fm = dot(rd, reference(rows, d, xd, g, b));
                    g[j] = keep;
                    double want = (fp - fm) / (2 * h), wantB = 0;
                    for (int row = 0; row < rows; row++) wantB += rd[row * d + j];
                    assertEquals(want, ln.weight().grad().getFlat(j), 1e-4 * Math.max(1, Math.abs(want)), "dweight[" + j + "]");
                    assertEquals(wantB, ln.bias().grad().getFlat(j), 1e-4 * Math.max(1, Math.abs(wantB)), "dbias[" + j + "]");
                }
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double[] reference(int rows, int d, double[] x, double[] g, double[] b) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += x[r * d + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += Math.pow(x[r * d + j] - mean, 2);
            var /= d;
            for (int j = 0; j < d; j++) y[r * d + j] = (x[r * d + j] - mean) / Math.sqrt(var + 1e-5) * g[j] + b[j];
        }
        return y;
    }

    @Test
    void withoutAffineAndSameInBothModes() {
        LayerNorm ln = new LayerNorm(new int[] {4}, 1e-3f, false);
        ln.bind(SCALAR);
        assertEquals(List.of(), ln.parameters());
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
        float[] train = ln.forward(x, true).toArray(), eval = ln.forward(x, false).toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(train, eval);
        assertEquals((float) (-1.5 / Math.sqrt(1.25 + 1e-3)), train[0], 1e-6f);
        GradientCheck.check(ln, Tensor.randn(2, 0f, 1f, 3, 4), GradientCheck.randomProjection(7), BatchNormTest.OPTIONS).assertPassed();
        assertEquals("LayerNorm(4, eps=0.001, elementwise_affine=false)", ln.describe());
    }

    @Test
    void wrongShapesAreRefusedNamingTheLayer() {
        LayerNorm ln = new LayerNorm(3, 4);
        ln.bind(SCALAR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(2, 4, 3), true));
        assertTrue(e.getMessage().startsWith("LayerNorm(3, 4): input has shape") && e.getMessage().contains("[3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(4), true));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(3, 0));
    }

    @Test
    void specRoundTrip() {
        Sequential m = new Sequential(new Dense(6, 8, 1), new LayerNorm(8), new ReLU(), new LayerNorm(new int[] {2, 4}, 1e-6f, false));
        Layer back = ModelSpec.build(Json.parse(ModelSpec.toJson(m)));
        assertEquals(m.describe(), back.describe());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(ModelSpec.stateDict(m).keySet()));
        assertEquals(ModelSpec.parameterShapes(Json.parse(ModelSpec.toJson(m))).keySet(), ModelSpec.stateDict(m).keySet());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.build(Json.parse("{\"type\":\"LayerNorm\",\"shape\":[0]}")));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }
}
