package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vectorgrad.backend.Activation;

/**
 * Activations and their derivatives over ranges of arrays. Identity, ReLU, leaky ReLU and every derivative use the
 * same float operations as the scalar backend (the test oracle), so they match it bitwise (NaN and -0 included: the compare-and-
 * blend form keeps {@code x < 0 ? 0 : x}'s semantics, ReLU(NaN) = NaN and ReLU(-0) = -0 as in PyTorch, which
 * {@code max} would not; ReLU's backward is the select {@code y <= 0 ? 0 : dy}, PyTorch's {@code threshold_backward}).
 * Sigmoid and tanh use {@link FixedMath} in float, GELU and SiLU {@link GeluSiluKernels} built on it (never the Vector API's EXP/TANH, whose bits change when C2
 * compiles the kernel): within 2e-6 absolute / 1e-5 relative of the double-precision oracle. Their loops live in
 * {@link FixedMath}, whose vector tails use the scalar twin of the same formula, so every element's bits are
 * independent of its position. The scalar tails of the other loops are written here too ({@link #forwardOne},
 * {@link #backwardOne}): the kernels never call the oracle, so a test comparing them with it compares two codes.
 *
 * <p>Thread safety: static and stateless; safe to call from several threads at once on outputs that do not overlap.
 */
public final class ActivationKernels {
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private ActivationKernels() {}

    /** {@code y[i] = act(x[i])} for i in [from, to) (relative to the offsets). */
    public static void forward(Activation act, float alpha, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        int bound = from + F.loopBound(to - from);
        switch (act) {
            case IDENTITY -> {
                if (x != y || xOff != yOff) System.arraycopy(x, xOff + from, y, yOff + from, to - from);
                return;
            }
            case RELU -> {
                FloatVector zero = (FloatVector) FT.cast(FloatVector.zero(F));
                for (; i < bound; i += N) {
                    FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, x, xOff + i));
                    v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(y, yOff + i); // NaN < 0 is false: kept
                }
            }
            case LEAKY_RELU -> {
                for (; i < bound; i += N) {
                    FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, x, xOff + i));
                    v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + i);
                }
            }
            case SIGMOID -> {
                FixedMath.sigmoid(x, xOff, y, yOff, from, to);
                return;
            }
            case TANH -> {
                FixedMath.tanh(x, xOff, y, yOff, from, to);
                return;
            }
            case GELU -> {
                GeluSiluKernels.gelu(x, xOff, y, yOff, from, to);
                return;
            }
            case GELU_TANH -> {
                GeluSiluKernels.geluTanh(x, xOff, y, yOff, from, to);
                return;
            }
            case SILU -> {
                GeluSiluKernels.silu(x, xOff, y, yOff, from, to);
                return;
            }
        }
        for (; i < to; i++) y[yOff + i] = forwardOne(act, alpha, x[xOff + i]);
    }

    /** One element of the ReLU / leaky ReLU loops above (the only ones whose tail runs here), same operations. */
    private static float forwardOne(Activation act, float alpha, float x) {
        return switch (act) {
            case RELU -> x < 0f ? 0f : x;                  // NaN < 0 is false: kept, as the blend
            case LEAKY_RELU -> x > 0f ? x : alpha * x;
            default -> throw new AssertionError(act + " has no scalar tail here");
        };
    }

    /**
     * {@code dx[i] = dy[i]·act'(y[i])} for i in [from, to); for GELU and SiLU {@code y} is the forward input
     * ({@link Activation#backwardFromInput()}).
     */
    public static void backward(Activation act, float alpha, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                int from, int to) {
        switch (act) {
            case GELU -> {
                GeluSiluKernels.geluBackward(y, yOff, dy, dyOff, dx, dxOff, from, to);
                return;
            }
            case GELU_TANH -> {
                GeluSiluKernels.geluTanhBackward(y, yOff, dy, dyOff, dx, dxOff, from, to);
                return;
            }
            case SILU -> {
                GeluSiluKernels.siluBackward(y, yOff, dy, dyOff, dx, dxOff, from, to);
                return;
            }
            default -> { }
        }
        int i = from;
        int bound = from + F.loopBound(to - from);
        FloatVector one = (FloatVector) FT.cast(FloatVector.broadcast(F, 1f));
        switch (act) {
            case IDENTITY -> {
                for (; i < bound; i += N) (FloatVector.fromArray(F, dy, dyOff + i)).mul(one).intoArray(dx, dxOff + i);
            }
            case RELU -> {
                FloatVector zero = (FloatVector) FT.cast(FloatVector.zero(F));
                for (; i < bound; i += N) {
                    VectorMask<Float> dead = (FloatVector.fromArray(F, y, yOff + i)).compare(VectorOperators.LE, 0f);
                    (FloatVector.fromArray(F, dy, dyOff + i)).blend(zero, dead).intoArray(dx, dxOff + i);
                }
            }
            case LEAKY_RELU -> {
                FloatVector low = (FloatVector) FT.cast(FloatVector.broadcast(F, alpha));
                for (; i < bound; i += N) {
                    VectorMask<Float> pos = (FloatVector.fromArray(F, y, yOff + i)).compare(VectorOperators.GT, 0f);
                    (FloatVector.fromArray(F, dy, dyOff + i)).mul(low.blend(one, pos)).intoArray(dx, dxOff + i);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += N) {
                    FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, y, yOff + i));
                    (FloatVector.fromArray(F, dy, dyOff + i)).mul(v.mul(one.sub(v))).intoArray(dx, dxOff + i);
                }
            }
            case TANH -> {
                for (; i < bound; i += N) {
                    FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, y, yOff + i));
                    (FloatVector.fromArray(F, dy, dyOff + i)).mul(one.sub(v.mul(v))).intoArray(dx, dxOff + i);
                }
            }
            case GELU, GELU_TANH, SILU -> throw new AssertionError(act + " is handled above");
        }
        for (; i < to; i++) dx[dxOff + i] = backwardOne(act, alpha, y[yOff + i], dy[dyOff + i]);
    }

    /** One element of the loops above, the same operations as their lanes. */
    private static float backwardOne(Activation act, float alpha, float y, float dy) {
        return switch (act) {
            case IDENTITY -> dy * 1f;
            case RELU -> y <= 0f ? 0f : dy;                // a select, as the blend: NaN y passes dy through
            case LEAKY_RELU -> dy * (y > 0f ? 1f : alpha);
            case SIGMOID -> dy * (y * (1f - y));
            case TANH -> dy * (1f - y * y);
            case GELU, GELU_TANH, SILU -> throw new AssertionError(act + " has no scalar tail here");
        };
    }

    /** In place {@code x[r, j] = act(x[r, j] + bias[j])} for rows [rowFrom, rowTo) of a block with {@code cols} columns. */
    public static void biasActivation(int rowFrom, int rowTo, int cols, float[] x, int xOff, float[] bias, int biasOff,
                                      Activation act, float alpha) {
        for (int r = rowFrom; r < rowTo; r++) {
            int row = xOff + r * cols;
            if (bias != null) {
                int j = 0;
                for (int bound = F.loopBound(cols); j < bound; j += N) {
                    (FloatVector.fromArray(F, x, row + j)).add(FloatVector.fromArray(F, bias, biasOff + j)).intoArray(x, row + j);
                }
                for (; j < cols; j++) x[row + j] += bias[biasOff + j];
            }
            if (act != Activation.IDENTITY) forward(act, alpha, x, row, x, row, 0, cols);
        }
    }
}
