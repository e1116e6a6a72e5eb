package org.vectorgrad.backend.scalar;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarPointwise;

/** The oracle itself, checked on hand-computed values and on identities that hold for any correct kernel. */
class ScalarBackendTest {
    private final Backend be = ScalarBackend.create();

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Test
    void gemmHandComputed() {
        float[] a = {1, 2, 3, 4, 5, 6};          // 2x3
        float[] b = {7, 8, 9, 10, 11, 12};       // 3x2
        float[] c = {1, 1, 1, 1};
        be.gemm().gemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {58.5f, 64.5f, 139.5f, 154.5f}, c);
        // transposed operands stored the other way round give the same product
        float[] at = {1, 4, 2, 5, 3, 6}, bt = {7, 9, 11, 8, 10, 12};
        float[] c2 = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        be.gemm().gemm(true, true, 2, 2, 3, 1f, at, 0, 2, bt, 0, 3, 0f, c2, 0, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c2, "beta 0 ignores NaN in C");
    }

    @Test
    void gemmWithOffsetsAndLeadingDimensions() {
        float[] a = random(1, 40), b = random(2, 40), c = random(3, 40), ref = c.clone();
        be.gemm().gemm(false, false, 3, 4, 5, 2f, a, 1, 7, b, 2, 6, -0.5f, c, 3, 8);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int p = 0; p < 5; p++) s += (double) a[1 + i * 7 + p] * b[2 + p * 6 + j];
            assertEquals(2 * s - 0.5 * ref[3 + i * 8 + j], c[3 + i * 8 + j], 1e-5);
        }
        for (int i = 0; i < 40; i++) {
            int r = (i - 3) / 8, col = (i - 3) % 8;
            boolean inside = i >= 3 && r < 3 && col < 4;
            if (!inside) assertEquals(ref[i], c[i], "outside the C block is untouched at " + i);
        }
    }

    @Test
    void activationsAndDerivatives() {
        assertEquals(0f, ScalarPointwise.activate(Activation.RELU, 0, -2f));
        assertEquals(-0.2f, ScalarPointwise.activate(Activation.LEAKY_RELU, 0.1f, -2f), 1e-7f);
        assertEquals(0.5f, ScalarPointwise.activate(Activation.SIGMOID, 0, 0f));
        float y = (float) Math.tanh(0.3);
        assertEquals(1 - y * y, ScalarPointwise.derivativeFromOutput(Activation.TANH, 0, y), 1e-7f);
        float[] x = {-1f, 2f}, b = {0.5f, -3f};
        be.pointwise().addBias(1, 2, x, 0, b, 0);
        assertArrayEquals(new float[] {-0.5f, -1f}, x);
    }

    @Test
    void softmaxRowsSumToOne() {
        float[] x = random(4, 15), s = new float[15];
        be.losses().softmax(3, 5, x, 0, s, 0);
        for (int r = 0; r < 3; r++) {
            double sum = 0, z = 0;
            for (int j = 0; j < 5; j++) z += Math.exp(x[r * 5 + j]);
            for (int j = 0; j < 5; j++) {
                sum += s[r * 5 + j];
                assertEquals(Math.exp(x[r * 5 + j]) / z, s[r * 5 + j], 1e-6);
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    @Test
    void oneByOneConvolutionIsAMatrixProduct() {
        ConvGeometry g = ConvGeometry.simple(2, 3, 4, 5, 6, 1, 1, 0);
        float[] x = random(5, g.inputSize()), w = random(6, g.weightSize()), y = new float[g.outputSize()];
        be.convolution().forward(g, x, 0, w, 0, null, 0, y, 0, new Scratch());
        int hw = 20;
        for (int n = 0; n < 2; n++) {
            float[] yn = new float[6 * hw];
            be.gemm().gemm(false, false, 6, hw, 3, 1f, w, 0, 3, x, n * 3 * hw, hw, 0f, yn, 0, hw);
            for (int i = 0; i < 6 * hw; i++) assertEquals(yn[i], y[n * 6 * hw + i], 1e-6f);
        }
    }

    @Test
    void convolutionHandComputedWithPaddingAndStride() {
        // 1x1x3x3 input 1..9, 2x2 kernel of ones, stride 2, pad 1: windows see {1}, {2,3}, {4,7}, {5,6,8,9}
        ConvGeometry g = ConvGeometry.simple(1, 1, 3, 3, 1, 2, 2, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 1, 1, 1}, y = new float[4];
        be.convolution().forward(g, x, 0, w, 0, new float[] {10f}, 0, y, 0, new Scratch());
        assertArrayEquals(new float[] {11, 15, 21, 38}, y);
    }

    @Test
    void convolutionBackwardsAreAdjointsOfForward() {
        // <conv(x, w), r> = <x, convᵀ_data(r, w)> = <w, convᵀ_weights(x, r)> for any x, w, r
        ConvGeometry g = new ConvGeometry(2, 4, 7, 6, 6, 3, 2, 2, 1, 1, 2, 0, 1, 2, 1, 2);
        float[] x = random(7, g.inputSize()), w = random(8, g.weightSize()), r = random(9, g.outputSize());
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        be.convolution().forward(g, x, 0, w, 0, null, 0, y, 0, new Scratch());
        be.convolution().backwardData(g, r, 0, w, 0, dx, 0, new Scratch());
        be.convolution().backwardWeights(g, x, 0, r, 0, dw, 0, null, 0, new Scratch());
        double yr = dot(y, r), xdx = dot(x, dx), wdw = dot(w, dw);
        assertEquals(yr, xdx, 1e-4 * Math.max(1, Math.abs(yr)));
        assertEquals(yr, wdw, 1e-4 * Math.max(1, Math.abs(yr)));
    }

    @Test
    void maxPoolTiesGoToTheFirstAndGradientsRouteToTheWinner() {
        PoolGeometry p = new PoolGeometry(1, 1, 2, 4, 2, 2, 2, 2, 0, 0, true);
        float[] x = {3, 3, 1, 2, 3, 0, 5, 2}, y = new float[2], dx = new float[8];
        int[] arg = new int[2];
        be.pooling().maxForward(p, x, 0, y, 0, arg);
        assertArrayEquals(new float[] {3, 5}, y);
        assertArrayEquals(new int[] {0, 6}, arg);
        be.pooling().maxBackward(p, new float[] {1.5f, -2f}, 0, arg, dx, 0);
        assertArrayEquals(new float[] {1.5f, 0, 0, 0, 0, 0, -2f, 0}, dx);
    }

    @Test
    void avgPoolCountsPaddingAsPyTorchDoesByDefault() {
        PoolGeometry incl = new PoolGeometry(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, true);
        PoolGeometry excl = new PoolGeometry(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, false);
        float[] x = {4, 8, 12, 16}, y = new float[9];
        be.pooling().avgForward(incl, x, 0, y, 0);
        assertEquals(1f, y[0]);
        assertEquals(10f, y[4]);
        be.pooling().avgForward(excl, x, 0, y, 0);
        assertEquals(4f, y[0]);
        assertEquals(6f, y[1]);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
