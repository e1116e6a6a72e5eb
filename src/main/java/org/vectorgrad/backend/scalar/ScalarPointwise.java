package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Pointwise;

/**
 * The pointwise oracle: bias, activations (transcendentals in {@link StrictMath}; GELU and SiLU in {@link ScalarMath}),
 * dropout ({@link ScalarDropout}), axpy, column sums, the
 * finiteness check, each the plainest loop. The static helpers are the one-element definitions the layer tests share.
 *
 * <p>Thread safety: stateless; one instance may serve any number of backends and threads at once.
 */
public final class ScalarPointwise extends Pointwise {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarPointwise() {}

    /**
     * act(x) for one value; shared with the layer-level tests' expectations. NaN propagates through every
     * activation, as in PyTorch 1.13: ReLU is {@code x < 0 ? 0 : x}, so ReLU(NaN) = NaN and ReLU(-0) = -0 (PyTorch's
     * bits, checked against it).
     */
    public static float activate(Activation act, float alpha, float x) {
        return switch (act) {
            case IDENTITY -> x;
            case RELU -> x < 0f ? 0f : x;
            case LEAKY_RELU -> x > 0f ? x : alpha * x;
            case SIGMOID -> (float) (1.0 / (1.0 + StrictMath.exp(-x)));
            case TANH -> (float) StrictMath.tanh(x);
            case GELU -> (float) ScalarMath.gelu(x);
            case GELU_TANH -> (float) ScalarMath.geluTanh(x);
            case SILU -> (float) ScalarMath.silu(x);
        };
    }

    /**
     * act'(x) written in terms of y = act(x). ReLU's is 1 at y = NaN (PyTorch's {@code threshold_backward} passes
     * the gradient through where the output is NaN); {@link #activationBackward} selects rather than multiplies for
     * ReLU, see there.
     */
    public static float derivativeFromOutput(Activation act, float alpha, float y) {
        return switch (act) {
            case IDENTITY -> 1f;
            case RELU -> y <= 0f ? 0f : 1f;
            case LEAKY_RELU -> y > 0f ? 1f : alpha;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
            case GELU, GELU_TANH, SILU -> throw new IllegalArgumentException(act + "'s derivative is a function of the input, not the output: use derivativeFromInput");
        };
    }

    /** act'(x) from the input x, for the activations whose {@link Activation#backwardFromInput()} is true, in double. */
    public static double derivativeFromInput(Activation act, float x) {
        return switch (act) {
            case GELU -> ScalarMath.geluDerivative(x);
            case GELU_TANH -> ScalarMath.geluTanhDerivative(x);
            case SILU -> ScalarMath.siluDerivative(x);
            default -> throw new IllegalArgumentException(act + "'s derivative is written in terms of its output: use derivativeFromOutput");
        };
    }

    @Override
    protected void runAddBias(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) x[xOff + r * cols + j] += bias[biasOff + j];
        }
    }

    @Override
    protected void runAddBiasActivation(Activation act, float alpha, int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = xOff + r * cols + j;
                x[i] = activate(act, alpha, x[i] + bias[biasOff + j]);
            }
        }
    }

    @Override
    protected void runColumnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        for (int j = 0; j < cols; j++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += dy[dyOff + r * cols + j];
            db[dbOff + j] += s;
        }
    }

    @Override
    protected void runActivationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = activate(act, alpha, x[xOff + i]);
    }

    @Override
    protected void runActivationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) dx[dxOff + i] = backwardOne(act, alpha, y[yOff + i], dy[dyOff + i]);
    }

    /**
     * dx for one element given the output y (the input x for GELU and SiLU, see {@link Activation#backwardFromInput})
     * and dL/dy. ReLU is PyTorch's {@code threshold_backward}: {@code y <= 0 ? 0 : dy}, a select, so a dead unit
     * gives +0 even where dy is NaN or ±Inf, and a NaN output passes dy through. The others are {@code dy · act'}
     * (GELU and SiLU: the product in double, rounded once).
     */
    public static float backwardOne(Activation act, float alpha, float y, float dy) {
        if (act.backwardFromInput()) return (float) (dy * derivativeFromInput(act, y));
        return act == Activation.RELU ? (y <= 0f ? 0f : dy) : dy * derivativeFromOutput(act, alpha, y);
    }

    @Override
    protected void runDropout(double p, long seed, long step, int n, float[] x, int xOff, float[] y, int yOff) {
        ScalarDropout.apply(p, seed, step, x, xOff, y, yOff, 0, n);
    }

    @Override
    protected void runAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    protected boolean runAllFinite(int n, float[] x, int xOff) {
        for (int i = 0; i < n; i++) if (!Float.isFinite(x[xOff + i])) return false;
        return true;
    }
}
