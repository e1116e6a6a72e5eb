package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The fixed-order lane sum and the fixed-formula transcendentals: every vector lane equals its scalar twin bit
 * for bit (so results cannot depend on vector width or element position), accuracy against {@link StrictMath},
 * special values, and the lane order itself.
 */
class FixedMathTest {

    interface ScalarF { float apply(float x); }

    /** Lanes of f(vector) equal the scalar twin bitwise, and both are within {@code ulps} of the reference. */
    private static void check(String name, UnaryOperator<FloatVector> vec, ScalarF twin, DoubleUnaryOperator ref,
                              float[] xs, double ulps, double absFloor) {
        float[] got = new float[xs.length + N];
        int i = 0;
        for (; i + N <= xs.length; i += N) vec.apply(FloatVector.fromArray(F, xs, i)).intoArray(got, i);
        float[] tail = new float[N];
        System.arraycopy(xs, i, tail, 0, xs.length - i);
        vec.apply(FloatVector.fromArray(F, tail, 0)).intoArray(got, i);
        for (int j = 0; j < xs.length; j++) {
            float x = xs[j], t = twin.apply(x);
            if (Float.floatToRawIntBits(t) != Float.floatToRawIntBits(got[j]) && !(Float.isNaN(t) && Float.isNaN(got[j]))) {
                fail(name + "(" + x + "): vector lane " + got[j] + " but scalar twin " + t);
            }
            double want = ref.applyAsDouble(x);
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(t), name + "(" + x + ") = " + t + ", want NaN");
            } else if (Double.isInfinite(want) || (float) want == 0f || Float.isInfinite((float) want)) {
                float w = (float) want;
                assertTrue(t == w || Math.abs(t - want) <= absFloor, name + "(" + x + ") = " + t + ", want " + w);
            } else {
                double err = Math.abs(t - want);
                assertTrue(err <= ulps * Math.ulp((float) want) || err <= absFloor,
                        name + "(" + x + ") = " + t + ", want " + want + " (" + err / Math.ulp((float) want) + " ulp)");
            }
        }
    }

    private static float[] inputs(double lo, double hi, float... specials) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[6_000 + 3 + specials.length];
        for (int i = 0; i < 6_000; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        System.arraycopy(specials, 0, x, 6_000, specials.length);
        return x;
    }

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 0.5f, -0.5f, 1f, -1f};

    @Test
    void expMatchesStrictMathAndItsTwin() {
        float[] s = {88.72f, 88.7228f, 88.73f, 100f, -87.3f, -103f, -104f, -200f, 0.34657f, -0.34657f};
        check("exp", FixedMath::exp, FixedMath::exp, StrictMath::exp, inputs(-110, 95, concat(SPECIAL, s)), 2, 1.2e-38);
        assertEquals(Float.POSITIVE_INFINITY, FixedMath.exp(89f));
        assertEquals(0f, FixedMath.exp(-200f));
        assertEquals(1f, FixedMath.exp(0f));
        assertEquals(0f, FixedMath.exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(FixedMath.exp(Float.NaN)));
    }

    @Test
    void tanhAndSigmoidMatchStrictMathAndTheirTwins() {
        float[] s = {0.625f, -0.625f, 0.6249999f, 9f, -9f, 20f, -20f, 1e4f, -1e4f};
        check("tanh", FixedMath::tanh, FixedMath::tanh, StrictMath::tanh, inputs(-12, 12, concat(SPECIAL, s)), 3, 0);
        check("sigmoid", FixedMath::sigmoid, FixedMath::sigmoid, x -> 1 / (1 + StrictMath.exp(-x)),
                inputs(-30, 30, concat(SPECIAL, s)), 3, 1.2e-38);
        assertEquals(-0f, FixedMath.tanh(-0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FixedMath.tanh(-0f)));
        assertEquals(1f, FixedMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FixedMath.tanh(Float.NEGATIVE_INFINITY));
    }

    @Test
    void log1pOnTheUnitIntervalMatchesStrictMathAndItsTwin() {
        float[] s = {0f, 1f, 0.41421354f, 0.41421357f, 0.4142136f, 1e-30f, Float.MIN_VALUE, 1e-8f, 0.999999f, Float.NaN};
        check("log1pUnit", FixedMath::log1pUnit, FixedMath::log1pUnit, StrictMath::log1p, inputs(0, 1, s), 2, 0);
        SplittableRandom r = new SplittableRandom(3);
        float[] tiny = new float[5000];
        for (int i = 0; i < tiny.length; i++) tiny[i] = (float) StrictMath.exp(-100 * r.nextDouble()); // as BCE feeds it
        check("log1pUnit", FixedMath::log1pUnit, FixedMath::log1pUnit, StrictMath::log1p, tiny, 2, 0);
    }

    @Test
    void laneSumFollowsTheDocumentedPairwiseTree() {
        SplittableRandom r = new SplittableRandom(11);
        boolean orderMatters = false;
        for (int rep = 0; rep < 2000; rep++) {
            float[] a = new float[N];
            for (int i = 0; i < N; i++) a[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(9)));
            float tree = Lanes.sum(FloatVector.fromArray(F, a, 0));
            assertEquals(Float.floatToRawIntBits(Lanes.sum(a, 0)), Float.floatToRawIntBits(tree), "tree order");
            float sequential = 0f;
            for (float v : a) sequential += v;
            orderMatters |= sequential != tree;
        }
        // with 1 lane there is no order; otherwise the inputs above are chosen so that the order shows
        if (N > 2) assertTrue(orderMatters, "the inputs never distinguish the tree from a sequential sum");
        if (N == 8) {
            float[] a = {1e8f, 1, 1, 1, -1e8f, 1, 1, 1};
            // ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)) = (0 + 2) + (2 + 2)
            assertEquals(6f, Lanes.sum(FloatVector.fromArray(F, a, 0)));
        }
        if (N == 16) {
            float[] a = new float[16];
            a[0] = 1e8f; a[8] = -1e8f;
            for (int i = 1; i < 16; i++) if (i != 8) a[i] = 1f;
            assertEquals(14f, Lanes.sum(FloatVector.fromArray(F, a, 0)));
            assertNotEquals(14f, ((1e8f + 1f) + 1f) - 1e8f + 12f); // a sequential start would lose the ones
        }
    }

    @Test
    void doubleLaneSumIsTheSameTree() {
        int nd = Lanes.D.length();
        SplittableRandom r = new SplittableRandom(12);
        for (int rep = 0; rep < 2000; rep++) {
            double[] a = new double[nd];
            for (int i = 0; i < nd; i++) a[i] = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(17));
            double[] t = a.clone();
            for (int h = nd / 2; h >= 1; h >>= 1) for (int i = 0; i < h; i++) t[i] = t[i] + t[i ^ h];
            assertEquals(Double.doubleToRawLongBits(t[0]), Double.doubleToRawLongBits(Lanes.sum(DoubleVector.fromArray(Lanes.D, a, 0))));
            // the in-place twin the kernels use (at an offset, the slice overwritten, nothing around it touched)
            double[] b = new double[nd + 3];
            System.arraycopy(a, 0, b, 2, nd);
            b[0] = 7; b[1] = 8; b[nd + 2] = 9;
            assertEquals(Double.doubleToRawLongBits(t[0]), Double.doubleToRawLongBits(Lanes.sumInPlace(b, 2)));
            assertEquals(7, b[0]);
            assertEquals(8, b[1]);
            assertEquals(9, b[nd + 2]);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
