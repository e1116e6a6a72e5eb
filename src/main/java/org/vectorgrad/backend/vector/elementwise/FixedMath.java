package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, tanh, sigmoid, erf, erfc, Φ and log1p in float, written with lanewise add, multiply, fused multiply-add,
 * divide, min/max, compares, integer bit operations and (erf, erfc, Φ only, to pick a branch) blends, each of which
 * IEEE 754 or the JLS define to the bit; every
 * vector method has a scalar twin ({@code float} overloads) doing the same operations in the same order
 * ({@link Math#fma} where the vector uses {@code fma}), so a lane's result depends only on its input: not on the
 * vector width, not on the position of the element in a range, and not on whether the interpreter, C1 or C2 runs
 * the code.
 *
 * <p>Why not {@code lanewise(EXP)} / {@code TANH} / {@code LOG1P}: the Vector API computes those with the
 * per-lane Java fallback in the interpreter and with an intrinsic (SVML stubs on x86) once C2 compiles the kernel,
 * and the two differ in the last bit, so results changed when a kernel was recompiled.
 *
 * <p>Accuracy (the Cephes single-precision algorithms: Cody-Waite range reduction and minimax polynomials):
 * exp and log1p within 2 ulp, tanh and sigmoid within 3 ulp of {@link StrictMath} for normal results
 * ({@code FixedMathTest}). {@code exp} scales by 2^n in two exact steps, so subnormal results are rounded only
 * once; it gives 0 from x ≤ -104 (e^x < 2^-150) and +∞ from ln(Float.MAX_VALUE) on. NaN gives NaN everywhere.
 * erf and erfc (this project's fits, {@code tools/fit_erf.py}) against the double-precision
 * {@code ScalarMath.erf/erfc} on every 2^-12 of [-12, 12] plus magnitudes 1e-38..3e38 ({@code ErfTest}): erf within
 * 2.25 ulp, erfc within 7 ulp for normal results (the worst just below x = 1, where erfc = 1 - erf still
 * cancels; from 1 on erfc is computed directly and stays within 3.2 ulp down to the smallest normals). NaN bits
 * (payloads) are not specified: any NaN counts as equal to any NaN, as everywhere in these tests.
 *
 * <p>Thread safety: static and stateless; safe to call from any thread.
 */
public final class FixedMath {
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private static final Class<? extends Vector<Integer>> IT = F.withLanes(int.class).vectorType();
    private FixedMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;            // 1.5·2^23: x + ROUND - ROUND rounds x to an integer
    private static final int ROUND_BITS = 0x4B400000;       // bits of ROUND; bits(ROUND + n) - ROUND_BITS = n
    private static final float EXP_LO = -104f, EXP_HI = 89f; // beyond: 0 and +∞ (the scale below handles both)
    private static final float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
            E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;
    private static final float TANH_CLAMP = 9f;              // float tanh(9) rounds to 1
    private static final int SIGN_BIT = 0x80000000;
    private static final int ONE_BITS = 0x3f800000, SQRT_HALF_BITS = 0x3f3504f3, MANTISSA = 0x007fffff;
    private static final float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f,
            L3 = -1.2420140846e-1f, L4 = 1.4249322787e-1f, L5 = -1.6668057665e-1f, L6 = 2.0000714765e-1f,
            L7 = -2.4999993993e-1f, L8 = 3.3333331174e-1f;

    // Broadcast constants as static finals: C2 then sees constants instead of broadcast intrinsics, and the
    // smaller graphs stay within its inlining budget (the BCE loop boxed every vector with per-use broadcasts).
    private static final FloatVector V_ONE = (FloatVector) FT.cast(FloatVector.broadcast(F, 1f));
    private static final FloatVector V_TWO = (FloatVector) FT.cast(FloatVector.broadcast(F, 2f));
    private static final FloatVector V_NEG_HALF = (FloatVector) FT.cast(FloatVector.broadcast(F, -0.5f));
    private static final FloatVector V_NEG_LN2_HI = (FloatVector) FT.cast(FloatVector.broadcast(F, -LN2_HI));
    private static final FloatVector V_NEG_LN2_LO = (FloatVector) FT.cast(FloatVector.broadcast(F, -LN2_LO));
    private static final FloatVector V_E2 = (FloatVector) FT.cast(FloatVector.broadcast(F, E2));
    private static final FloatVector V_E3 = (FloatVector) FT.cast(FloatVector.broadcast(F, E3));
    private static final FloatVector V_E4 = (FloatVector) FT.cast(FloatVector.broadcast(F, E4));
    private static final FloatVector V_E5 = (FloatVector) FT.cast(FloatVector.broadcast(F, E5));
    private static final FloatVector V_L2 = (FloatVector) FT.cast(FloatVector.broadcast(F, L2));
    private static final FloatVector V_L3 = (FloatVector) FT.cast(FloatVector.broadcast(F, L3));
    private static final FloatVector V_L4 = (FloatVector) FT.cast(FloatVector.broadcast(F, L4));
    private static final FloatVector V_L5 = (FloatVector) FT.cast(FloatVector.broadcast(F, L5));
    private static final FloatVector V_L6 = (FloatVector) FT.cast(FloatVector.broadcast(F, L6));
    private static final FloatVector V_L7 = (FloatVector) FT.cast(FloatVector.broadcast(F, L7));
    private static final FloatVector V_L8 = (FloatVector) FT.cast(FloatVector.broadcast(F, L8));
    private static final FloatVector V_LN2_HI = (FloatVector) FT.cast(FloatVector.broadcast(F, LN2_HI));
    private static final FloatVector V_LN2_LO = (FloatVector) FT.cast(FloatVector.broadcast(F, LN2_LO));

    // ---- exp -----------------------------------------------------------------------------------------

    /** e^x per lane. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);                               // NaN stays NaN
        FloatVector t = x.fma(LOG2E, ROUND);                         // ROUND + round(x·log2 e)
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, x);                       // x - n·ln 2 in two exact-ish steps
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(E0, E1);
        p = p.fma(r, V_E2);
        p = p.fma(r, V_E3);
        p = p.fma(r, V_E4);
        p = p.fma(r, V_E5);
        FloatVector q = p.fma(r.mul(r), r).add(1f);                   // e^r, r in [-ln2/2, ln2/2]
        IntVector ni = ((IntVector) IT.cast(t.reinterpretAsInts())).sub(ROUND_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1); // 2^n = 2^n1·2^n2, both normal
        FloatVector s1 = (FloatVector) FT.cast(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        FloatVector s2 = (FloatVector) FT.cast(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return q.mul(s1).mul(s2);
    }

    /** Scalar twin of {@link #exp(FloatVector)}. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float q = reducedExpm1(x, n) + 1f;
        int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return q * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    // ---- sigmoid and tanh ---------------------------------------------------------------------------

    /** 1 / (1 + e^-x) per lane. */
    public static FloatVector sigmoid(FloatVector x) {
        return V_ONE.div(exp(x.neg()).add(V_ONE));
    }

    /** Scalar twin of {@link #sigmoid(FloatVector)}. */
    public static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /**
     * tanh per lane: for a = min(|x|, 9), t = expm1(2a), tanh = t / (t + 2) with the sign of x copied back (float
     * tanh is exactly ±1 from |x| = 9 on). expm1 is {@link #exp}'s reduction and polynomial without the final
     * "+ 1", so small arguments keep their relative accuracy. No blends: only arithmetic and bit operations.
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(TANH_CLAMP);                     // NaN stays NaN
        FloatVector t = expm1(a.add(a));
        FloatVector r = t.div(t.add(2f));
        IntVector sign = ((IntVector) IT.cast(x.reinterpretAsInts())).and(SIGN_BIT);
        return (FloatVector) FT.cast(((IntVector) IT.cast(r.reinterpretAsInts())).or(sign).reinterpretAsFloats());
    }

    /** Scalar twin of {@link #tanh(FloatVector)}. */
    public static float tanh(float x) {
        float a = Math.min(Math.abs(x), TANH_CLAMP);
        float t = expm1(a + a);
        float r = t / (t + 2f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    /** e^y - 1 for y in [0, 18] (what tanh needs): 2^n·(e^r - 1) + (2^n - 1), both terms exact up to one rounding. */
    private static FloatVector expm1(FloatVector y) {
        FloatVector t = y.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, y);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(E0, E1);
        p = p.fma(r, V_E2);
        p = p.fma(r, V_E3);
        p = p.fma(r, V_E4);
        p = p.fma(r, V_E5);
        FloatVector em1 = p.fma(r.mul(r), r);                         // e^r - 1
        IntVector ni = ((IntVector) IT.cast(t.reinterpretAsInts())).sub(ROUND_BITS);        // n in [0, 26]: 2^n is a normal float
        FloatVector s = (FloatVector) FT.cast(ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return em1.fma(s, s.sub(1f));
    }

    /**
     * The scalar twins' shared core: e^r - 1 for r = x - n·ln 2 (Cody-Waite, two parts), by the same polynomial and
     * in the same operation order as the vector kernels, so twin and kernel agree to the bit.
     */
    private static float reducedExpm1(float x, float n) {
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, E0, E1);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E5);
        return Math.fma(p, r * r, r);
    }

    private static float expm1(float y) {
        float t = Math.fma(y, LOG2E, ROUND);
        float n = t - ROUND;
        float em1 = reducedExpm1(y, n);
        int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
        float s = Float.intBitsToFloat((ni + 127) << 23);
        return Math.fma(em1, s, s - 1f);
    }

    // ---- erf and erfc ------------------------------------------------------------------------------

    // erf(a)/a = P(a²) for a < 1 (minimax in a², relative error 1.2e-9 before float rounding); erfc(a) =
    // e^(-a²)·G(1/a - 0.55)/a for 1 ≤ a ≤ 10.5 (minimax in 1/a - 0.55, relative error 1.2e-8): coefficients
    // fitted against mpmath and rounded to float by tools/fit_erf.py (the errors quoted are the fits' own).
    private static final float P0 = 1.1283791065216064f, P1 = -0.3761262595653534f, P2 = 0.1128358542919159f,
            P3 = -0.026853810995817184f, P4 = 0.005188327748328447f, P5 = -0.0008010192541405559f,
            P6 = 7.853857823647559e-05f;
    private static final float G0 = 0.5023534297943115f, G1 = -0.17003515362739563f, G2 = -0.020365865901112556f,
            G3 = 0.09836121648550034f, G4 = -0.09690344333648682f, G5 = 0.0497572124004364f,
            G6 = 0.009481610730290413f, G7 = -0.059315260499715805f, G8 = 0.10672857612371445f,
            G9 = -0.10173358768224716f, G10 = -0.05034052953124046f, G11 = 0.13016194105148315f;
    private static final float G_SHIFT = 0.55f;
    private static final float ERF_CLAMP = 10.5f;             // e^(-10.5²) is 0 in float: erfc is 0 from here on
    private static final FloatVector V_P0 = (FloatVector) FT.cast(FloatVector.broadcast(F, P0)), V_P1 = (FloatVector) FT.cast(FloatVector.broadcast(F, P1)),
            V_P2 = (FloatVector) FT.cast(FloatVector.broadcast(F, P2)), V_P3 = (FloatVector) FT.cast(FloatVector.broadcast(F, P3)), V_P4 = (FloatVector) FT.cast(FloatVector.broadcast(F, P4));
    private static final FloatVector V_P5 = (FloatVector) FT.cast(FloatVector.broadcast(F, P5)), V_P6 = (FloatVector) FT.cast(FloatVector.broadcast(F, P6));
    private static final FloatVector V_G10 = (FloatVector) FT.cast(FloatVector.broadcast(F, G10)), V_G11 = (FloatVector) FT.cast(FloatVector.broadcast(F, G11));
    private static final FloatVector V_G_SHIFT = (FloatVector) FT.cast(FloatVector.broadcast(F, G_SHIFT)), V_ERF_CLAMP = (FloatVector) FT.cast(FloatVector.broadcast(F, ERF_CLAMP));
    private static final FloatVector V_ZERO = (FloatVector) FT.cast(FloatVector.zero(F)), V_HALF = (FloatVector) FT.cast(FloatVector.broadcast(F, 0.5f));
    private static final FloatVector V_G0 = (FloatVector) FT.cast(FloatVector.broadcast(F, G0)), V_G1 = (FloatVector) FT.cast(FloatVector.broadcast(F, G1)),
            V_G2 = (FloatVector) FT.cast(FloatVector.broadcast(F, G2)), V_G3 = (FloatVector) FT.cast(FloatVector.broadcast(F, G3)), V_G4 = (FloatVector) FT.cast(FloatVector.broadcast(F, G4)),
            V_G5 = (FloatVector) FT.cast(FloatVector.broadcast(F, G5)), V_G6 = (FloatVector) FT.cast(FloatVector.broadcast(F, G6)), V_G7 = (FloatVector) FT.cast(FloatVector.broadcast(F, G7)),
            V_G8 = (FloatVector) FT.cast(FloatVector.broadcast(F, G8)), V_G9 = (FloatVector) FT.cast(FloatVector.broadcast(F, G9));

    /** P(a²) = erf(a)/a per lane, the small-argument branch (a &lt; 1). */
    private static FloatVector erfSmall(FloatVector a) {
        FloatVector z = a.mul(a);
        FloatVector p = z.fma(V_P6, V_P5);
        p = p.fma(z, V_P4);
        p = p.fma(z, V_P3);
        p = p.fma(z, V_P2);
        p = p.fma(z, V_P1);
        return p.fma(z, V_P0);
    }

    private static float erfSmall(float a) {
        float z = a * a;
        float p = Math.fma(z, P6, P5);
        p = Math.fma(p, z, P4);
        p = Math.fma(p, z, P3);
        p = Math.fma(p, z, P2);
        p = Math.fma(p, z, P1);
        return Math.fma(p, z, P0);
    }

    /**
     * erfc(a) for a in [1, 10.5] per lane, the large-argument branch: e^(-a²) with a² split exactly into
     * hi + lo (hi = a·a rounded, lo = fma(a, a, -hi)) so that e^(-a²) = exp(-hi)·(1 - lo) keeps its relative
     * accuracy, times G(1/a - 0.55)/a. Lanes outside [1, 10.5] give values the callers discard (a = 0: ∞/NaN).
     */
    private static FloatVector erfcLarge(FloatVector a) {
        FloatVector hi = a.mul(a);
        FloatVector lo = a.fma(a, hi.neg());
        FloatVector e = exp(hi.neg());
        return erfcLarge(a, e.fma(lo.neg(), e));
    }

    /** {@link #erfcLarge(FloatVector)} with e^(-a²) given by the caller (who may know a² more exactly than a). */
    private static FloatVector erfcLarge(FloatVector a, FloatVector e) {
        FloatVector t = V_ONE.div(a);
        FloatVector s = t.sub(V_G_SHIFT);
        FloatVector g = s.fma(V_G11, V_G10);
        g = g.fma(s, V_G9);
        g = g.fma(s, V_G8);
        g = g.fma(s, V_G7);
        g = g.fma(s, V_G6);
        g = g.fma(s, V_G5);
        g = g.fma(s, V_G4);
        g = g.fma(s, V_G3);
        g = g.fma(s, V_G2);
        g = g.fma(s, V_G1);
        g = g.fma(s, V_G0);
        return e.mul(t).mul(g);
    }

    private static float erfcLarge(float a) {
        float hi = a * a;
        float lo = Math.fma(a, a, -hi);
        float e = exp(-hi);
        return erfcLarge(a, Math.fma(-lo, e, e));
    }

    private static float erfcLarge(float a, float e) {
        float t = 1f / a;
        float s = t - G_SHIFT;
        float g = Math.fma(s, G11, G10);
        g = Math.fma(g, s, G9);
        g = Math.fma(g, s, G8);
        g = Math.fma(g, s, G7);
        g = Math.fma(g, s, G6);
        g = Math.fma(g, s, G5);
        g = Math.fma(g, s, G4);
        g = Math.fma(g, s, G3);
        g = Math.fma(g, s, G2);
        g = Math.fma(g, s, G1);
        g = Math.fma(g, s, G0);
        return e * t * g;
    }

    /**
     * erf per lane: for a = min(|x|, 10.5), a·P(a²) below 1 and 1 - erfc(a) from 1 on, the sign of x copied
     * back (erf(-0) = -0, erf(±∞) = ±1, NaN gives NaN). Both branches are computed and one is selected per lane
     * (a blend), the scalar twin selects the same one with a conditional: same operations, same bits.
     */
    public static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs().min(V_ERF_CLAMP);                    // NaN stays NaN
        FloatVector small = a.mul(erfSmall(a));
        FloatVector large = V_ONE.sub(erfcLarge(a));
        FloatVector r = large.blend(small, a.compare(VectorOperators.LT, V_ONE));
        IntVector sign = ((IntVector) IT.cast(x.reinterpretAsInts())).and(SIGN_BIT);
        return (FloatVector) FT.cast(((IntVector) IT.cast(r.reinterpretAsInts())).or(sign).reinterpretAsFloats());
    }

    /** Scalar twin of {@link #erf(FloatVector)}. */
    public static float erf(float x) {
        float a = Math.min(Math.abs(x), ERF_CLAMP);
        float r = a < 1f ? a * erfSmall(a) : 1f - erfcLarge(a);
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    /**
     * erfc = 1 - erf per lane without the cancellation for large x: for a = min(|x|, 10.5), fma(-x, P(a²), 1)
     * below 1 (one rounding for the product and the difference), and erfc(a) (x &gt; 0) or 2 - erfc(a) (x &lt; 0)
     * from 1 on; so erfc(x) keeps its relative accuracy down to the smallest normal results, 0 from x = 10.5 on
     * (and for +∞), 2 for -∞, NaN for NaN.
     */
    public static FloatVector erfc(FloatVector x) {
        FloatVector a = x.abs().min(V_ERF_CLAMP);
        FloatVector small = x.neg().fma(erfSmall(a), V_ONE);
        FloatVector large = erfcLarge(a);
        large = large.blend(V_TWO.sub(large), x.compare(VectorOperators.LT, V_ZERO));
        return large.blend(small, a.compare(VectorOperators.LT, V_ONE));
    }

    /** Scalar twin of {@link #erfc(FloatVector)}. */
    public static float erfc(float x) {
        float a = Math.min(Math.abs(x), ERF_CLAMP);
        if (a < 1f) return Math.fma(-x, erfSmall(a), 1f);
        float large = erfcLarge(a);
        return x < 0f ? 2f - large : large;
    }

    private static final float NEG_SQRT_HALF = -0.70710678118654752f;
    private static final float PHI_CLAMP = 14.85f;           // ≥ 10.5·√2: e^(-x²/2) is 0 in float from here on
    private static final FloatVector V_NEG_SQRT_HALF = (FloatVector) FT.cast(FloatVector.broadcast(F, NEG_SQRT_HALF));
    private static final FloatVector V_PHI_CLAMP = (FloatVector) FT.cast(FloatVector.broadcast(F, PHI_CLAMP));

    /**
     * e^(-x²/2) per lane, with x·x split exactly into hi + lo so the result keeps its relative accuracy:
     * exp(-hi/2)·(1 - lo/2); |x| is clamped at 14.85, from where it is 0 in float (so ±∞ gives 0, NaN NaN).
     */
    public static FloatVector expHalfSquare(FloatVector x) {
        FloatVector c = x.abs().min(V_PHI_CLAMP);
        FloatVector h = c.mul(c);
        FloatVector e = exp(h.mul(V_NEG_HALF));
        return e.fma(c.fma(c, h.neg()).mul(V_NEG_HALF), e);
    }

    /** Scalar twin of {@link #expHalfSquare(FloatVector)}. */
    public static float expHalfSquare(float x) {
        float c = Math.min(Math.abs(x), PHI_CLAMP);
        float h = c * c;
        float e = exp(h * -0.5f);
        return Math.fma(e, Math.fma(c, c, -h) * -0.5f, e);
    }

    /**
     * The standard normal distribution function Φ(x) = erfc(-x/√2)/2 per lane, as {@link #erfc(FloatVector)}
     * but with the tail's e^(-x²/2) from {@link #expHalfSquare} (exact in x) rather than from the rounded -x/√2,
     * whose rounding error the tail would multiply by x² (at x = -12, 9e-6 relative). Within 8.1 ulp of the
     * double-precision Φ for normal results ({@code ErfTest}; the worst where erfc still cancels, -1.4 &lt; x &lt; 0).
     */
    public static FloatVector normalCdf(FloatVector x) {
        return normalCdf(x, expHalfSquare(x));
    }

    /** {@link #normalCdf(FloatVector)} given {@code e = expHalfSquare(x)} (GELU's derivative needs e for φ too). */
    public static FloatVector normalCdf(FloatVector x, FloatVector e) {
        return normalCdfFromTail(x, normalTail(x, e));
    }

    /**
     * The large-argument branch of {@link #normalCdf}: erfc(|x|/√2) from {@code e = expHalfSquare(x)}, meaningful
     * where |x|/√2 ≥ 1 (elsewhere a value {@link #normalCdfFromTail} discards). A separate step so that a kernel can
     * run it as a loop of its own (C2's node budget; see {@code GeluSiluKernels}).
     */
    public static FloatVector normalTail(FloatVector x, FloatVector e) {
        return erfcLarge(x.mul(V_NEG_SQRT_HALF).abs().min(V_ERF_CLAMP), e);
    }

    /** Φ(x) from {@code tail = normalTail(x, expHalfSquare(x))}: the small-argument branch, and the selection. */
    public static FloatVector normalCdfFromTail(FloatVector x, FloatVector tail) {
        FloatVector w = x.mul(V_NEG_SQRT_HALF);
        FloatVector a = w.abs().min(V_ERF_CLAMP);
        FloatVector small = w.neg().fma(erfSmall(a), V_ONE);
        FloatVector large = tail.blend(V_TWO.sub(tail), w.compare(VectorOperators.LT, V_ZERO));
        return large.blend(small, a.compare(VectorOperators.LT, V_ONE)).mul(V_HALF);
    }

    /** Scalar twin of {@link #normalCdf(FloatVector)}. */
    public static float normalCdf(float x) {
        return normalCdf(x, expHalfSquare(x));
    }

    /** Scalar twin of {@link #normalCdf(FloatVector, FloatVector)}. */
    public static float normalCdf(float x, float e) {
        return normalCdfFromTail(x, normalTail(x, e));
    }

    /** Scalar twin of {@link #normalTail(FloatVector, FloatVector)}. */
    public static float normalTail(float x, float e) {
        return erfcLarge(Math.min(Math.abs(x * NEG_SQRT_HALF), ERF_CLAMP), e);
    }

    /** Scalar twin of {@link #normalCdfFromTail(FloatVector, FloatVector)}. */
    public static float normalCdfFromTail(float x, float tail) {
        float w = x * NEG_SQRT_HALF;
        float a = Math.min(Math.abs(w), ERF_CLAMP);
        float r = a < 1f ? Math.fma(-w, erfSmall(a), 1f) : w < 0f ? 2f - tail : tail;
        return r * 0.5f;
    }

    // ---- range kernels -------------------------------------------------------------------------------
    // Each loop is a method of its own: inside a larger kernel (a switch over activations) C2 ran out of its
    // inlining budget, did not inline exp, and boxed every vector (1.2 MB allocated per 2^16 tanh, 15x slower).

    /** {@code y[i] = sigmoid(x[i])} for i in [from, to) (offsets added); vector lanes, then the scalar twin. */
    public static void sigmoid(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            sigmoid(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] = sigmoid(x[xOff + i]);
    }

    /** {@code y[i] = tanh(x[i])} for i in [from, to) (offsets added); vector lanes, then the scalar twin. */
    public static void tanh(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] = tanh(x[xOff + i]);
    }

    // ---- log1p on [0, 1] ---------------------------------------------------------------------------

    /**
     * log(1 + u) per lane for u in [0, 1] (NaN gives NaN; other inputs are outside its domain), as the binary
     * cross-entropy needs for u = e^-|x|. w = 1 + u is split as 2^k·m with m in [√2/2, √2) by integer operations
     * (no branch, no blend), log(m) is Cephes' polynomial in f = m - 1 (exact), and (u - (w - 1))/w restores what
     * rounding 1 + u lost.
     */
    public static FloatVector log1pUnit(FloatVector u) {
        FloatVector w = u.add(1f);
        FloatVector c = u.sub(w.sub(1f)).div(w);
        IntVector iw = ((IntVector) IT.cast(w.reinterpretAsInts())).add(ONE_BITS - SQRT_HALF_BITS);
        IntVector k = iw.lanewise(VectorOperators.ASHR, 23).sub(127);
        FloatVector f = ((FloatVector) FT.cast(iw.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats())).sub(1f);
        FloatVector kf = (FloatVector) FT.cast(k.convert(VectorOperators.I2F, 0));
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(L0, L1);
        p = p.fma(f, V_L2);
        p = p.fma(f, V_L3);
        p = p.fma(f, V_L4);
        p = p.fma(f, V_L5);
        p = p.fma(f, V_L6);
        p = p.fma(f, V_L7);
        p = p.fma(f, V_L8);
        FloatVector y = kf.fma(V_LN2_LO, p.mul(f).mul(z));
        y = z.fma(V_NEG_HALF, y);
        return kf.fma(V_LN2_HI, f.add(y)).add(c);
    }

    /** Scalar twin of {@link #log1pUnit(FloatVector)}. */
    public static float log1pUnit(float u) {
        float w = u + 1f;
        float c = (u - (w - 1f)) / w;
        int iw = Float.floatToRawIntBits(w) + (ONE_BITS - SQRT_HALF_BITS);
        int k = (iw >> 23) - 127;
        float f = Float.intBitsToFloat((iw & MANTISSA) + SQRT_HALF_BITS) - 1f;
        float kf = k;
        float z = f * f;
        float p = Math.fma(f, L0, L1);
        p = Math.fma(p, f, L2);
        p = Math.fma(p, f, L3);
        p = Math.fma(p, f, L4);
        p = Math.fma(p, f, L5);
        p = Math.fma(p, f, L6);
        p = Math.fma(p, f, L7);
        p = Math.fma(p, f, L8);
        float y = Math.fma(kf, LN2_LO, p * f * z);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(kf, LN2_HI, f + y) + c;
    }
}
