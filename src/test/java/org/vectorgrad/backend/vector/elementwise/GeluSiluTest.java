package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarMath;
import org.vectorgrad.backend.vector.elementwise.ErfTest.ScalarF;

/**
 * GELU, tanh-GELU and SiLU, forward and derivative: every vector lane equals its scalar twin bit for bit on the dense
 * grid of {@link ErfTest} (NaN, ±∞, ±0, ±3e38 included), the range kernels give the same bits at every position and
 * offset (vector body or scalar tail), and the values agree with the double-precision {@link ScalarMath}: forward
 * within {@code 1e-6·max(1, |ln(want/x)|)·|want| + 1e-37}, derivatives within {@code 1e-6·|want| + 1e-7}
 * (derivatives are O(1) and cross zero, where only an absolute bound means anything). The logarithm is the size of
 * the exponent in the negative tail (x²/2 for GELU, |2v| for tanh-GELU, |x| for SiLU): the exponent is rounded in
 * float, and e^(-exponent) multiplies that rounding by the exponent (measured: 8.8e-6 relative for tanh-GELU at
 * x = -9.4, where the value is -3.4e-32 and the exponent 75). The measured maxima are printed.
 */
class GeluSiluTest {
    private static final double REL = 1e-6, ABS = 1e-37;

    private static void check(String name, UnaryOperator<FloatVector> vec, ScalarF twin, DoubleUnaryOperator ref) {
        boolean derivative = name.endsWith("'");
        float[] xs = ErfTest.grid();
        float[] got = ErfTest.lanesEqualTwin(name, vec, twin, xs);
        double worst = 0;
        for (int j = 0; j < xs.length; j++) {
            double want = ref.applyAsDouble(xs[j]);
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(got[j]), name + "(" + xs[j] + ") = " + got[j] + ", want NaN (as PyTorch)");
                continue;
            }
            if (Double.isInfinite(want)) {
                assertEquals(want, got[j], name + "(" + xs[j] + ")");
                continue;
            }
            double err = Math.abs(got[j] - want);
            double x = xs[j];
            double tol = derivative ? REL * Math.abs(want) + 1e-7
                    : REL * (want == 0 ? 1 : Math.max(1, Math.abs(Math.log(Math.abs(want / x))))) * Math.abs(want) + ABS;
            if (!(err <= tol)) fail(name + "(" + xs[j] + ") = " + got[j] + ", want " + want);
            if (derivative) worst = Math.max(worst, err);
            else if (Math.abs(want) > 1e-30) worst = Math.max(worst, err / Math.abs(want));
        }
        System.out.printf("%s: max %s error %.3g vs double over %d points%n", name, derivative ? "absolute" : "relative", worst, xs.length);
    }

    @Test
    void geluLanesEqualTwinsAndDoubleReference() {
        check("gelu", GeluSiluKernels::gelu, GeluSiluKernels::gelu, ScalarMath::gelu);
        check("gelu'", GeluSiluKernels::geluDerivative, GeluSiluKernels::geluDerivative, ScalarMath::geluDerivative);
    }

    @Test
    void tanhGeluLanesEqualTwinsAndDoubleReference() {
        check("geluTanh", GeluSiluKernels::geluTanh, GeluSiluKernels::geluTanh, ScalarMath::geluTanh);
        check("geluTanh'", GeluSiluKernels::geluTanhDerivative, GeluSiluKernels::geluTanhDerivative, ScalarMath::geluTanhDerivative);
    }

    @Test
    void siluLanesEqualTwinsAndDoubleReference() {
        check("silu", GeluSiluKernels::silu, GeluSiluKernels::silu, ScalarMath::silu);
        check("silu'", GeluSiluKernels::siluDerivative, GeluSiluKernels::siluDerivative, ScalarMath::siluDerivative);
    }

    @Test
    void pytorchEdgeValues() {
        // PyTorch 1.13: f(-inf) = NaN (-inf * 0), f(+inf) = +inf, gradient NaN at both infinities
        assertTrue(Float.isNaN(GeluSiluKernels.gelu(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(GeluSiluKernels.geluTanh(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(GeluSiluKernels.silu(Float.NEGATIVE_INFINITY)));
        assertEquals(Float.POSITIVE_INFINITY, GeluSiluKernels.gelu(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, GeluSiluKernels.geluTanh(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, GeluSiluKernels.silu(Float.POSITIVE_INFINITY));
        for (float inf : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertTrue(Float.isNaN(GeluSiluKernels.geluDerivative(inf)));
            assertTrue(Float.isNaN(GeluSiluKernels.geluTanhDerivative(inf)));
            assertTrue(Float.isNaN(GeluSiluKernels.siluDerivative(inf)));
        }
        // large finite inputs: no overflow to ∞·0 inside the formulas
        assertEquals(1f, GeluSiluKernels.geluTanhDerivative(3e38f));
        assertEquals(0f, GeluSiluKernels.geluTanhDerivative(-3e38f));
        assertEquals(1f, GeluSiluKernels.geluDerivative(3e38f));
        assertEquals(0.5f, GeluSiluKernels.geluDerivative(0f));
        assertEquals(0.5f, GeluSiluKernels.siluDerivative(-0f));
    }

    @Test
    void rangeKernelsGiveTheSameBitsAtEveryPosition() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 3 * Lanes.N + 5;
        float[] x = new float[n + 3], dy = new float[n + 3];
        for (int i = 0; i < x.length; i++) { x[i] = (float) (rng.nextGaussian() * 4); dy[i] = (float) rng.nextGaussian(); }
        for (int off = 0; off < 3; off++) {
            float[] y = new float[n], dx = new float[n];
            for (int variant = 0; variant < 3; variant++) {
                switch (variant) {
                    case 0 -> { GeluSiluKernels.gelu(x, off, y, 0, 0, n); GeluSiluKernels.geluBackward(x, off, dy, off, dx, 0, 0, n); }
                    case 1 -> { GeluSiluKernels.geluTanh(x, off, y, 0, 0, n); GeluSiluKernels.geluTanhBackward(x, off, dy, off, dx, 0, 0, n); }
                    default -> { GeluSiluKernels.silu(x, off, y, 0, 0, n); GeluSiluKernels.siluBackward(x, off, dy, off, dx, 0, 0, n); }
                }
                for (int i = 0; i < n; i++) {
                    float xi = x[off + i];
                    float wantY = variant == 0 ? GeluSiluKernels.gelu(xi) : variant == 1 ? GeluSiluKernels.geluTanh(xi) : GeluSiluKernels.silu(xi);
                    float d = variant == 0 ? GeluSiluKernels.geluDerivative(xi) : variant == 1 ? GeluSiluKernels.geluTanhDerivative(xi)
                            : GeluSiluKernels.siluDerivative(xi);
                    assertEquals(Float.floatToRawIntBits(wantY), Float.floatToRawIntBits(y[i]), "variant " + variant + " y[" + i + "] offset " + off);
                    assertEquals(Float.floatToRawIntBits(dy[off + i] * d), Float.floatToRawIntBits(dx[i]), "variant " + variant + " dx[" + i + "]");
                }
            }
        }
    }
}
