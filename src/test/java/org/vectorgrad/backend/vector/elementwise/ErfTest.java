package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarMath;

/**
 * {@link FixedMath#erf} and {@link FixedMath#erfc}: every vector lane equals the scalar twin bit for bit, and the
 * maximum error against the double-precision {@link ScalarMath} on a dense grid (every 2^-12 on [-12, 12], a
 * log-spaced sweep of magnitudes from 1e-38 to 3e38, and NaN, ±∞, ±0) is within the bounds stated in FixedMath's
 * Javadoc; the measured maxima are printed.
 */
class ErfTest {
    interface ScalarF { float apply(float x); }

    static float[] grid() {
        int dense = 24 * 4096 + 1, sweep = 2 * 77 * 64;
        float[] x = new float[dense + sweep + 7];
        int k = 0;
        for (int i = 0; i < dense; i++) x[k++] = -12f + i / 4096f;
        for (int i = 0; i < sweep / 2; i++) {
            float m = (float) Math.pow(10, -38 + i / 64.0);
            x[k++] = m;
            x[k++] = -m;
        }
        for (float s : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE}) x[k++] = s;
        return java.util.Arrays.copyOf(x, k);
    }

    /** f over xs by vector lanes (the tail padded), each lane compared bitwise with the twin; returns the twin's values. */
    static float[] lanesEqualTwin(String name, UnaryOperator<FloatVector> vec, ScalarF twin, float[] xs) {
        float[] padded = java.util.Arrays.copyOf(xs, (xs.length + N - 1) / N * N), got = new float[padded.length];
        for (int i = 0; i < padded.length; i += N) vec.apply(FloatVector.fromArray(F, padded, i)).intoArray(got, i);
        float[] twinValues = new float[xs.length];
        for (int j = 0; j < xs.length; j++) {
            float t = twin.apply(xs[j]);
            // equal bits; any NaN equals any NaN (Java leaves NaN payloads to the hardware, as FixedMathTest)
            if (Float.floatToRawIntBits(t) != Float.floatToRawIntBits(got[j]) && !(Float.isNaN(t) && Float.isNaN(got[j]))) {
                fail(name + "(" + xs[j] + "): vector lane " + got[j] + " but scalar twin " + t);
            }
            twinValues[j] = t;
        }
        return twinValues;
    }

    /** Max error in ulps of the float nearest the reference, over normal references; NaN/∞/0 exactly as the reference. */
    static double maxUlps(String name, float[] xs, float[] got, DoubleUnaryOperator ref) {
        double worst = 0;
        for (int j = 0; j < xs.length; j++) {
            double want = ref.applyAsDouble(xs[j]);
            float w = (float) want;
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(got[j]), name + "(" + xs[j] + ") = " + got[j] + ", want NaN");
            } else if (Math.abs(w) < Float.MIN_NORMAL || Float.isInfinite(w)) {
                assertTrue(Math.abs(got[j] - want) <= Float.MIN_NORMAL, name + "(" + xs[j] + ") = " + got[j] + ", want " + want);
            } else {
                double ulps = Math.abs(got[j] - want) / Math.ulp(w);
                if (ulps > worst) {
                    worst = ulps;
                    if (Boolean.getBoolean("erf.trace")) System.out.println(name + " worst so far at " + xs[j] + ": " + ulps);
                }
            }
        }
        return worst;
    }

    @Test
    void erfLanesEqualTheTwinAndStayWithin2Point5UlpOfDoubleErf() {
        float[] xs = grid();
        float[] erf = lanesEqualTwin("erf", FixedMath::erf, FixedMath::erf, xs);
        double ulps = maxUlps("erf", xs, erf, x -> ScalarMath.erf(x));
        System.out.printf("FixedMath.erf: max error %.3f ulp vs double erf over %d points%n", ulps, xs.length);
        assertTrue(ulps <= 2.5, "erf max error " + ulps + " ulp");
        assertEquals(1f, FixedMath.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FixedMath.erf(Float.NEGATIVE_INFINITY));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FixedMath.erf(-0f)));
        assertTrue(Float.isNaN(FixedMath.erf(Float.NaN)));
        assertEquals(1f, FixedMath.erf(3.92f), "float erf rounds to 1 from about 3.92 on");
    }

    @Test
    void erfcLanesEqualTheTwinAndKeepTheirRelativeAccuracyInTheTail() {
        float[] xs = grid();
        float[] erfc = lanesEqualTwin("erfc", FixedMath::erfc, FixedMath::erfc, xs);
        double ulps = maxUlps("erfc", xs, erfc, x -> ScalarMath.erfc(x));
        System.out.printf("FixedMath.erfc: max error %.3f ulp vs double erfc over %d points%n", ulps, xs.length);
        assertTrue(ulps <= 7.5, "erfc max error " + ulps + " ulp");
        int m = 0;
        float[] tailX = new float[xs.length], tailY = new float[xs.length];
        for (int j = 0; j < xs.length; j++) {
            if (xs[j] >= 1f) { tailX[m] = xs[j]; tailY[m++] = erfc[j]; }
        }
        double tailUlps = maxUlps("erfc", java.util.Arrays.copyOf(tailX, m), java.util.Arrays.copyOf(tailY, m), x -> ScalarMath.erfc(x));
        System.out.printf("FixedMath.erfc: max error %.3f ulp for x >= 1 (%d points)%n", tailUlps, m);
        assertTrue(tailUlps <= 3.5, "erfc tail max error " + tailUlps + " ulp");

        assertEquals(0f, FixedMath.erfc(Float.POSITIVE_INFINITY));
        assertEquals(2f, FixedMath.erfc(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FixedMath.erfc(-0f));
        assertTrue(Float.isNaN(FixedMath.erfc(Float.NaN)));
        assertTrue(FixedMath.erfc(9f) > 0f, "erfc(9) = 4.1e-37 is a normal float, not flushed");
    }

    @Test
    void normalCdfLanesEqualTheTwinAndKeepTheTailAccurate() {
        float[] xs = grid();
        float[] phi = lanesEqualTwin("normalCdf", FixedMath::normalCdf, FixedMath::normalCdf, xs);
        double ulps = maxUlps("normalCdf", xs, phi, x -> ScalarMath.normalCdf(x));
        System.out.printf("FixedMath.normalCdf: max error %.3f ulp vs double over %d points%n", ulps, xs.length);
        assertTrue(ulps <= 8.5, "normalCdf max error " + ulps + " ulp");
        assertEquals(0.5f, FixedMath.normalCdf(0f));
        assertEquals(1f, FixedMath.normalCdf(Float.POSITIVE_INFINITY));
        assertEquals(0f, FixedMath.normalCdf(Float.NEGATIVE_INFINITY));
    }
}
