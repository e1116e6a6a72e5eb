package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.tensor.Tensor;

/**
 * Dropout: the kept fraction within a binomial bound (a fixed seed, so the figures are fixed: nothing here is
 * random at test time), exact inverted scaling, the identity in evaluation, gradient = mask × scale, p = 0 and
 * p = 1 as PyTorch, clear errors, and the same bits on every backend and thread count for the same seed and step.
 */
class DropoutTest {
    private static final Backend SCALAR = ScalarBackend.create();
    private static final Backend VB1 = VectorBackend.create(1), VB8 = VectorBackend.create(8);
    private static final List<Backend> BACKENDS = List.of(SCALAR, VB1, VB8);

    @AfterAll
    static void close() {
        VB1.close();
        VB8.close();
    }

    /** Values in ±[0.5, 1.5]: never 0, so a zero output marks a dropped element. */
    private static Tensor input(long seed, int... shape) {
        return LayerGradientTest.awayFromZero(seed, shape);
    }

    private static float[] values(Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) v[i] = t.getFlat(i);
        return v;
    }

    @Test
    void keptFractionIsWithinFiveBinomialStandardDeviations() {
        int n = 200_003;
        Tensor x = Tensor.full(1f, n);
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            Dropout d = new Dropout(p, 17);
            d.bind(VB8);
            boolean[] previous = null;
            for (int step = 0; step < 3; step++) {
                float[] y = values(d.forward(x, true));
                boolean[] kept = new boolean[n];
                int k = 0, both = 0;
                for (int i = 0; i < n; i++) {
                    kept[i] = y[i] != 0f;
                    if (kept[i]) k++;
                    if (previous != null && kept[i] && previous[i]) both++;
                }
                double q = 1 - p, sd = Math.sqrt(n * p * q);
                assertTrue(Math.abs(k - n * q) <= 5 * sd, "p=" + p + " step " + step + ": kept " + k + " of " + n + ", expected " + n * q + " ± " + 5 * sd);
                if (previous != null) { // masks of consecutive steps independent: both kept with probability q²
                    double sd2 = Math.sqrt(n * q * q * (1 - q * q));
                    assertTrue(Math.abs(both - n * q * q) <= 5 * sd2, "p=" + p + " step " + step + ": kept in both steps " + both
                            + ", expected " + n * q * q + " ± " + 5 * sd2);
                }
                previous = kept;
            }
            assertEquals(3, d.step());
        }
    }

    @Test
    void keptElementsAreScaledExactlyAndDroppedOnesZeroed() {
        Tensor x = input(1, 7, 33);
        for (double p : new double[] {0.2, 0.5, 0.75}) {
            Dropout d = new Dropout(p, 3);
            d.bind(VB1);
            float scale = 1f / (float) (1.0 - p);
            float[] y = values(d.forward(x, true));
            int kept = 0;
            for (int i = 0; i < y.length; i++) {
                float xi = x.getFlat(i);
                if (y[i] != 0f) {
                    assertEquals(Float.floatToRawIntBits(xi * scale), Float.floatToRawIntBits(y[i]), "kept element " + i);
                    kept++;
                } else {
                    assertEquals(Float.floatToRawIntBits(xi * 0f), Float.floatToRawIntBits(y[i]), "dropped element " + i + " (x·0, -0 for x < 0)");
                }
            }
            assertTrue(kept > 0 && kept < y.length, "p=" + p + " keeps some and drops some: " + kept);
        }
    }

    @Test
    void gradientIsTheSameMaskTimesScale() {
        Tensor x = input(2, 5, 41), dy = Tensor.randn(3, 0f, 1f, 5, 41);
        Dropout d = new Dropout(0.4, 9);
        d.bind(VB8);
        float[] y = values(d.forward(x, true));
        float[] dx = values(d.backward(dy));
        float scale = 1f / 0.6f;
        for (int i = 0; i < y.length; i++) {
            float m = y[i] != 0f ? scale : 0f;
            assertEquals(Float.floatToRawIntBits(dy.getFlat(i) * m), Float.floatToRawIntBits(dx[i]), "dx[" + i + "]");
        }
    }

    @Test
    void finiteDifferencesAgreeForAFixedMask() {
        Dropout d = new Dropout(0.3, 5);
        // GradientCheck runs forward many times; each training forward draws a new mask, so pin the step
        Layer pinned = new AbstractLayer() {
            @Override public Tensor forward(Tensor x, boolean training) { d.setStep(0); return d.forward(x, training); }
            @Override public Tensor backward(Tensor gy) { return d.backward(gy); }
            @Override public void bind(Backend b) { d.bind(b); }
            @Override public String describe() { return "pinned " + d.describe(); }
        };
        pinned.bind(SCALAR);
        GradientCheck.check(pinned, input(4, 3, 11)).assertPassed();
    }

    @Test
    void evaluationIsTheIdentity() {
        Tensor x = input(5, 4, 9), dy = Tensor.randn(6, 0f, 1f, 4, 9);
        Dropout d = new Dropout(0.5, 1);
        d.bind(VB1);
        assertSame(x, d.forward(x, false));
        assertSame(dy, d.backward(dy));
        assertEquals(0, d.step(), "evaluation does not advance the masks");
    }

    @Test
    void pZeroKeepsEverythingAndPOneGivesZerosAsPyTorch() {
        Tensor x = input(6, 3, 17);
        x.data()[x.offset() + 4] = Float.NaN;
        for (Backend b : BACKENDS) {
            Dropout keep = new Dropout(0.0, 1);
            keep.bind(b);
            assertArrayEquals(values(x), values(keep.forward(x, true)), "p=0 on " + b.name());
            Dropout drop = new Dropout(1.0, 1);
            drop.bind(b);
            float[] y = values(drop.forward(x, true));
            for (int i = 0; i < y.length; i++) {
                if (i == 4) assertTrue(Float.isNaN(y[i]), "NaN·0 = NaN, as PyTorch's input * zeros");
                else assertEquals(0f, Math.abs(y[i]), "p=1 element " + i + " on " + b.name());
            }
            float[] dx = values(drop.backward(Tensor.full(1f, 3, 17)));
            for (float v : dx) assertEquals(0f, v);
        }
    }

    @Test
    void droppedNaNStaysNaN() {
        int n = 64;
        Tensor x = Tensor.full(Float.NaN, n);
        Dropout d = new Dropout(0.5, 2);
        d.bind(VB1);
        for (float v : values(d.forward(x, true))) assertTrue(Float.isNaN(v));
    }

    @Test
    void probabilitiesOutsideTheUnitIntervalAreRefused() {
        for (double p : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertTrue(e.getMessage().contains("Dropout") && e.getMessage().contains("[0, 1]") && e.getMessage().contains(String.valueOf(p)),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> VB1.pointwise().dropout(1.01, 0, 0, 1, new float[1], 0, new float[1], 0));
        assertThrows(IllegalArgumentException.class, () -> SCALAR.pointwise().dropout(0.5, 0, 0, 3, new float[2], 0, new float[3], 0));
        Dropout d = new Dropout(0.5);
        d.bind(SCALAR);
        assertThrows(IllegalStateException.class, () -> d.backward(Tensor.zeros(2)), "backward before forward");
        d.forward(Tensor.zeros(2, 3), true);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> d.backward(Tensor.zeros(3, 2)));
        assertTrue(shape.getMessage().startsWith("Dropout(p=0.5)"), shape.getMessage());
    }

    @Test
    void sameSeedAndStepGiveTheSameBitsOnEveryBackendAndThreadCount() {
        for (int n : new int[] {1, 7, 16, 17, 1023, (1 << 17) + 5}) {
            Tensor x = Tensor.randn(n, 0f, 1f, n);
            float[] want = null;
            for (Backend b : BACKENDS) {
                for (int step : new int[] {0, 1}) {
                    Dropout d = new Dropout(0.35, 42);
                    d.bind(b);
                    d.setStep(step);
                    float[] y = values(d.forward(x, true));
                    if (step == 0) {
                        if (want == null) want = y;
                        else assertArrayEquals(want, y, "n=" + n + " on " + b.name() + " with " + b.threads() + " threads");
                    } else if (n > 16) {
                        assertFalse(java.util.Arrays.equals(want, y), "step 1 draws another mask");
                    }
                }
            }
            // in place and at an offset: the same map
            float[] buf = new float[n + 3];
            System.arraycopy(values(x), 0, buf, 3, n);
            VB8.pointwise().dropout(0.35, 42, 0, n, buf, 3, buf, 3);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(buf, 3, n + 3), "in place, offset 3, n=" + n);
        }
        Tensor x = Tensor.randn(1, 0f, 1f, 100);
        Dropout a = new Dropout(0.5, 1), b = new Dropout(0.5, 2);
        a.bind(SCALAR);
        b.bind(SCALAR);
        assertFalse(java.util.Arrays.equals(values(a.forward(x, true)), values(b.forward(x, true))), "another seed, another mask");
    }
}
