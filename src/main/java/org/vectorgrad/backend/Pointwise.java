package org.vectorgrad.backend;

/**
 * The pointwise family: bias, activations, dropout, axpy, the bias gradient and the finiteness check. Operands are heap
 * {@code float[]} arrays with an offset; a rows×cols block is row-major with leading dimension cols. Every public
 * method checks its arguments here ({@link KernelArgs}), once for every implementation, then calls the protected
 * kernel: {@code scalar.ScalarPointwise} (the oracle) or {@code vector.elementwise.VectorPointwise}.
 * Deterministic; each output element depends on its own inputs only, except {@link #columnSums} whose rows are
 * summed in order.
 *
 * <p>Thread safety: implementations accept concurrent calls on operands that do not overlap (see {@link Backend}).
 */
public abstract class Pointwise {
    /** For subclasses. */
    protected Pointwise() {}

    /** In place: {@code x[r, j] += bias[j]} for a rows×cols block. */
    public final void addBias(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        KernelArgs.addBias(rows, cols, x, xOff, bias, biasOff);
        runAddBias(rows, cols, x, xOff, bias, biasOff);
    }

    /**
     * In place: {@code x[r, j] = act(x[r, j] + bias[j])} for a rows×cols block, in one pass: bitwise
     * {@link #addBias} followed by {@link #activationForward} in place (a dense layer's bias and the activation after
     * it, without a second trip through the block).
     */
    public final void addBiasActivation(Activation act, float alpha, int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        KernelArgs.addBiasActivation(rows, cols, x, xOff, bias, biasOff);
        runAddBiasActivation(act, alpha, rows, cols, x, xOff, bias, biasOff);
    }

    /** Accumulate column sums: {@code db[j] += Σ_r dy[r, j]} (the bias gradient) for a rows×cols block. */
    public final void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        KernelArgs.columnSums(rows, cols, dy, dyOff, db, dbOff);
        runColumnSums(rows, cols, dy, dyOff, db, dbOff);
    }

    /** {@code y[i] = act(x[i])} for n elements (may be in place: y == x, same offset). */
    public final void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("activationForward", n, "x", x, xOff, "y", y, yOff);
        runActivationForward(act, alpha, n, x, xOff, y, yOff);
    }

    /**
     * {@code dx[i] = dy[i]·act'(x[i])}, the derivative written in terms of the forward output {@code y}, or, for
     * the activations whose {@link Activation#backwardFromInput()} is true (GELU, SiLU), in terms of the forward
     * input: then pass x as {@code y}. May be in place (dx == dy, same offset).
     */
    public final void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff,
                                         float[] dx, int dxOff) {
        KernelArgs.activationBackward(n, y, yOff, dy, dyOff, dx, dxOff);
        runActivationBackward(act, alpha, n, y, yOff, dy, dyOff, dx, dxOff);
    }

    /**
     * Dropout's map: {@code y[i] = x[i]·m_i} with m_i = 1/(1 - p) for kept elements and 0 for dropped ones, the
     * mask a function of (seed, step, i) only (see {@link org.vectorgrad.backend.scalar.ScalarDropout}), so every
     * backend and thread count gives the same bits. Applied to dL/dy with the same arguments it is the backward.
     * May be in place (y == x, same offset).
     *
     * @throws IllegalArgumentException unless p is in [0, 1], or when an array is too short
     */
    public final void dropout(double p, long seed, long step, int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.dropout(p, n, x, xOff, y, yOff);
        runDropout(p, seed, step, n, x, xOff, y, yOff);
    }

    /** {@code y[i] += alpha·x[i]}. */
    public final void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("axpy", n, "x", x, xOff, "y", y, yOff);
        runAxpy(n, alpha, x, xOff, y, yOff);
    }

    /**
     * Whether every one of the n values from {@code x[xOff]} is finite (no NaN, no ±Inf). The trainer's per-step
     * gradient check; its result depends on the values only, never on an order of operations.
     */
    public final boolean allFinite(int n, float[] x, int xOff) {
        KernelArgs.elementwise("allFinite", n, "x", x, xOff, null, null, 0);
        return runAllFinite(n, x, xOff);
    }

    /** {@link #addBias}, arguments checked. */
    protected abstract void runAddBias(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff);

    /** {@link #addBiasActivation}, arguments checked. */
    protected abstract void runAddBiasActivation(Activation act, float alpha, int rows, int cols, float[] x, int xOff, float[] bias, int biasOff);

    /** {@link #columnSums}, arguments checked. */
    protected abstract void runColumnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff);

    /** {@link #activationForward}, arguments checked. */
    protected abstract void runActivationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff);

    /** {@link #activationBackward}, arguments checked. */
    protected abstract void runActivationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff,
                                                  float[] dx, int dxOff);

    /** {@link #dropout}, arguments checked. */
    protected abstract void runDropout(double p, long seed, long step, int n, float[] x, int xOff, float[] y, int yOff);

    /** {@link #axpy}, arguments checked. */
    protected abstract void runAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@link #allFinite}, arguments checked. */
    protected abstract boolean runAllFinite(int n, float[] x, int xOff);
}
