package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU (exact and PyTorch's tanh approximation) and SiLU, forward and backward, over ranges of arrays. Built from
 * {@link FixedMath}'s exp and erfc with lanewise add, multiply, fma, divide, min/max, compares and blends only; each
 * vector formula has a scalar twin (the {@code float} methods) with the same operations in the same order, and
 * every range loop finishes its tail with the twin, so an element's bits depend only on its inputs: not on the
 * vector width, its position, the thread split, or whether the interpreter, C1 or C2 runs the code
 * ({@code JitStabilityTest}).
 *
 * <ul>
 *   <li>GELU: y = x·Φ(x), Φ(x) = erfc(-x/√2)/2 ({@link FixedMath#normalCdf}); dy/dx = Φ(x) + x·φ(x),
 *       φ(x) = e^(-x²/2)/√(2π), one {@link FixedMath#expHalfSquare} serving both (x² split exactly, |x| clamped
 *       where the exponential is 0 already, so that finite inputs never produce ∞·0).</li>
 *   <li>tanh-GELU: y = x·σ(2v), v = √(2/π)·x·(1 + 0.044715x²), which equals PyTorch's
 *       x/2·(1 + tanh v) without its cancellation for negative x; dy/dx = σ(2v) + x·σ(2v)σ(-2v)·2√(2/π)(1 +
 *       3·0.044715x²).</li>
 *   <li>SiLU: y = x·σ(x); dy/dx = σ(x)·(1 + x·σ(-x)).</li>
 * </ul>
 * σ is computed from e = exp(-|t|): σ(|t|) = 1/(1 + e), σ(-|t|) = e/(1 + e), so neither tail cancels. As in
 * PyTorch, f(-∞) = NaN (-∞·0) and the gradient at ±∞ is NaN; NaN propagates. Accuracy against
 * {@link org.vectorgrad.backend.scalar.ScalarMath} (double) is tested in {@code ElementwiseTest} and
 * {@code GeluSiluTest}. Stateless and thread-safe.
 *
 * <p><b>Known cost.</b> Exact GELU's loop bodies (exp, two polynomials, a divide, selections) exceed C2's node
 * budget ({@code NodeCountInliningCutoff}): part of the erfc evaluation stays out of line and its vectors are boxed,
 * about 30 bytes allocated per element (measured on 2^16 elements; splitting the loops into chunks through a
 * scratch array did not avoid it, as C2 inlined the pieces back into one method). The bits are unaffected; the
 * time measured was 0.7-1.2 ms per 2^16 elements, forward or backward, on the loaded 2-core Xeon (tanh-GELU
 * 0.16-0.31 ms, SiLU 0.14-0.2 ms, both without allocation). Use {@code GELU("tanh")} where that matters.
 */
public final class GeluSiluKernels {
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private GeluSiluKernels() {}

    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    private static final float TWO_BETA = 1.5957691216057308f;      // 2·√(2/π)
    private static final float KAPPA = 0.044715f, KAPPA3 = 0.134145f; // PyTorch's 0.044715 and 3·0.044715
    private static final float TANH_CLAMP = 16f;                    // beyond: σ(2v)σ(-2v) is 0 in float

    private static final FloatVector V_ONE = (FloatVector) FT.cast(FloatVector.broadcast(F, 1f));

    // ---- formulas, one lane / one float -----------------------------------------------------------

    /** GELU per lane. */
    public static FloatVector gelu(FloatVector x) {
        return x.mul(FixedMath.normalCdf(x));
    }

    /** Scalar twin of {@link #gelu(FloatVector)}. */
    public static float gelu(float x) {
        return x * FixedMath.normalCdf(x);
    }

    /** d GELU/dx per lane. */
    public static FloatVector geluDerivative(FloatVector x) {
        FloatVector e = FixedMath.expHalfSquare(x);                  // one exponential for Φ's tail and φ
        return x.fma(e.mul(INV_SQRT_2PI), FixedMath.normalCdf(x, e));
    }

    /** Scalar twin of {@link #geluDerivative(FloatVector)}. */
    public static float geluDerivative(float x) {
        float e = FixedMath.expHalfSquare(x);
        return Math.fma(x, e * INV_SQRT_2PI, FixedMath.normalCdf(x, e));
    }

    /** 2v = 2√(2/π)·x·(1 + 0.044715x²), the argument of σ in tanh-GELU. */
    private static FloatVector twiceInner(FloatVector x) {
        return x.mul(TWO_BETA).mul(x.mul(x).fma(KAPPA, 1f));
    }

    private static float twiceInner(float x) {
        return x * TWO_BETA * Math.fma(x * x, KAPPA, 1f);
    }

    /** tanh-GELU per lane. */
    public static FloatVector geluTanh(FloatVector x) {
        FloatVector t = twiceInner(x);
        FloatVector e = FixedMath.exp(t.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        return x.mul(e.mul(r).blend(r, t.compare(VectorOperators.GE, 0f)));
    }

    /** Scalar twin of {@link #geluTanh(FloatVector)}. */
    public static float geluTanh(float x) {
        float t = twiceInner(x);
        float e = FixedMath.exp(-Math.abs(t));
        float r = 1f / (e + 1f);
        return x * (t >= 0f ? r : e * r);
    }

    /** d tanh-GELU/dx per lane. */
    public static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector t = twiceInner(x);
        FloatVector e = FixedMath.exp(t.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        FloatVector er = e.mul(r);
        FloatVector s = er.blend(r, t.compare(VectorOperators.GE, 0f));
        FloatVector c = x.abs().min(TANH_CLAMP);
        FloatVector dv = c.mul(c).fma(KAPPA3, 1f).mul(TWO_BETA);    // 2v'(x)
        return x.fma(er.mul(r).mul(dv), s);
    }

    /** Scalar twin of {@link #geluTanhDerivative(FloatVector)}. */
    public static float geluTanhDerivative(float x) {
        float t = twiceInner(x);
        float e = FixedMath.exp(-Math.abs(t));
        float r = 1f / (e + 1f);
        float er = e * r;
        float s = t >= 0f ? r : er;
        float c = Math.min(Math.abs(x), TANH_CLAMP);
        float dv = Math.fma(c * c, KAPPA3, 1f) * TWO_BETA;
        return Math.fma(x, er * r * dv, s);
    }

    /** SiLU per lane. */
    public static FloatVector silu(FloatVector x) {
        FloatVector e = FixedMath.exp(x.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        return x.mul(e.mul(r).blend(r, x.compare(VectorOperators.GE, 0f)));
    }

    /** Scalar twin of {@link #silu(FloatVector)}. */
    public static float silu(float x) {
        float e = FixedMath.exp(-Math.abs(x));
        float r = 1f / (e + 1f);
        return x * (x >= 0f ? r : e * r);
    }

    /** d SiLU/dx per lane. */
    public static FloatVector siluDerivative(FloatVector x) {
        FloatVector e = FixedMath.exp(x.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        FloatVector er = e.mul(r);
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        FloatVector s = er.blend(r, nonNegative), rest = r.blend(er, nonNegative); // σ(x), σ(-x)
        return s.mul(x.fma(rest, V_ONE));
    }

    /** Scalar twin of {@link #siluDerivative(FloatVector)}. */
    public static float siluDerivative(float x) {
        float e = FixedMath.exp(-Math.abs(x));
        float r = 1f / (e + 1f);
        float er = e * r;
        boolean nonNegative = x >= 0f;
        float s = nonNegative ? r : er, rest = nonNegative ? er : r;
        return s * Math.fma(x, rest, 1f);
    }

    // ---- range kernels: one loop per method (C2's inlining budget, see FixedMath) --------------------

    /** {@code y[i] = gelu(x[i])} for i in [from, to) (offsets added). */
    public static void gelu(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            gelu(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] = gelu(x[xOff + i]);
    }

    /** {@code y[i] = geluTanh(x[i])} for i in [from, to). */
    public static void geluTanh(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            geluTanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] = geluTanh(x[xOff + i]);
    }

    /** {@code y[i] = silu(x[i])} for i in [from, to). */
    public static void silu(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            silu(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] = silu(x[xOff + i]);
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])} for i in [from, to) (may be in place: dx == dy). */
    public static void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector d = geluDerivative(FloatVector.fromArray(F, x, xOff + i));
            (FloatVector.fromArray(F, dy, dyOff + i)).mul(d).intoArray(dx, dxOff + i);
        }
        for (; i < to; i++) dx[dxOff + i] = dy[dyOff + i] * geluDerivative(x[xOff + i]);
    }

    /** {@code dx[i] = dy[i]·geluTanh'(x[i])} for i in [from, to). */
    public static void geluTanhBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector d = geluTanhDerivative(FloatVector.fromArray(F, x, xOff + i));
            (FloatVector.fromArray(F, dy, dyOff + i)).mul(d).intoArray(dx, dxOff + i);
        }
        for (; i < to; i++) dx[dxOff + i] = dy[dyOff + i] * geluTanhDerivative(x[xOff + i]);
    }

    /** {@code dx[i] = dy[i]·silu'(x[i])} for i in [from, to). */
    public static void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector d = siluDerivative(FloatVector.fromArray(F, x, xOff + i));
            (FloatVector.fromArray(F, dy, dyOff + i)).mul(d).intoArray(dx, dxOff + i);
        }
        for (; i < to; i++) dx[dxOff + i] = dy[dyOff + i] * siluDerivative(x[xOff + i]);
    }
}
