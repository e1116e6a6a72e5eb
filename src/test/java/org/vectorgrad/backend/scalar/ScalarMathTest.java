package org.vectorgrad.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The double-precision oracle of erf, erfc, GELU and SiLU: erf and erfc against mpmath's 30-digit values, and each
 * activation's derivative against a central difference of the function itself, in double.
 */
class ScalarMathTest {

    private static void rel(double want, double got, double tol, String what) {
        assertTrue(Math.abs(got - want) <= tol * Math.abs(want), what + ": " + got + ", want " + want);
    }

    @Test
    void erfAndErfcMatchMpmath() {
        // mpmath.erf / erfc at 30 digits (mp.dps = 30)
        double[][] erf = {{1e-10, 1.1283791670955125739e-10}, {0.1, 0.1124629160182848922}, {0.5, 0.52049987781304653768},
                {1, 0.84270079294971486934}, {2, 0.99532226501895273416}, {2.4999, 0.99959283009966654908},
                {2.5, 0.99959304798255504106}, {3, 0.99997790950300141456}, {4.5, 0.99999999980338395585}};
        for (double[] c : erf) {
            rel(c[1], ScalarMath.erf(c[0]), 4e-16, "erf(" + c[0] + ")");
            rel(-c[1], ScalarMath.erf(-c[0]), 4e-16, "erf(" + -c[0] + ")");
        }
        double[][] erfc = {{-3, 1.9999779095030014146}, {0.25, 0.72367360983176306701}, {1, 0.15729920705028513066},
                {2.4999, 0.0004071699003334509212}, {2.5, 0.00040695201744495893956}, {3, 0.000022090496998585441373},
                {5, 1.5374597944280348502e-12}, {10, 2.088487583762544757e-45}, {20, 5.3958656116079009289e-176},
                {26, 5.6631924088561428465e-296}};
        for (double[] c : erfc) rel(c[1], ScalarMath.erfc(c[0]), c[0] < 2.5 ? 1e-12 : 4e-16, "erfc(" + c[0] + ")");
        assertEquals(1.0, ScalarMath.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, ScalarMath.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, ScalarMath.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, ScalarMath.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(ScalarMath.erf(-0.0)));
        assertTrue(Double.isNaN(ScalarMath.erf(Double.NaN)) && Double.isNaN(ScalarMath.erfc(Double.NaN)));
    }

    @Test
    void derivativesMatchCentralDifferencesInDouble() {
        int checked = 0;
        for (double x = -9; x <= 9; x += 0.01) {
            double h = 1e-5 * Math.max(1, Math.abs(x));
            checkSlope("GELU", x, h, (ScalarMath.gelu(x + h) - ScalarMath.gelu(x - h)) / (2 * h), ScalarMath.geluDerivative(x));
            checkSlope("tanh-GELU", x, h, (ScalarMath.geluTanh(x + h) - ScalarMath.geluTanh(x - h)) / (2 * h),
                    ScalarMath.geluTanhDerivative(x));
            checkSlope("SiLU", x, h, (ScalarMath.silu(x + h) - ScalarMath.silu(x - h)) / (2 * h), ScalarMath.siluDerivative(x));
            checked++;
        }
        assertTrue(checked > 1000);
    }

    private static void checkSlope(String what, double x, double h, double numeric, double analytic) {
        // central difference error O(h² f'''), rounding O(ulp(f)/h): both far below 1e-7 here
        assertTrue(Math.abs(numeric - analytic) <= 1e-7 * Math.max(1, Math.abs(analytic)),
                what + "'(" + x + "): analytic " + analytic + ", numeric " + numeric);
    }

    @Test
    void activationsAgreeWithTheirDefinitions() {
        for (double x : new double[] {-7, -3, -0.5, 0, 0.3, 2, 6}) {
            double phi = 0.5 * (1 + ScalarMath.erf(x / Math.sqrt(2)));
            assertEquals(x * phi, ScalarMath.gelu(x), 1e-15 * Math.max(1, Math.abs(x)), "GELU(" + x + ")");
            double tanhForm = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertEquals(tanhForm, ScalarMath.geluTanh(x), 1e-15 * Math.max(1, Math.abs(x)), "tanh-GELU(" + x + ")");
            assertEquals(x / (1 + Math.exp(-x)), ScalarMath.silu(x), 1e-15 * Math.max(1, Math.abs(x)), "SiLU(" + x + ")");
        }
        assertTrue(Double.isNaN(ScalarMath.gelu(Double.NEGATIVE_INFINITY)), "-inf * 0, as PyTorch");
        assertEquals(Double.POSITIVE_INFINITY, ScalarMath.gelu(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(ScalarMath.geluDerivative(Double.POSITIVE_INFINITY)), "inf * 0, as PyTorch");
    }
}
