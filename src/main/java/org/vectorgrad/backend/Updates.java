package org.vectorgrad.backend;

/**
 * The optimizer-update family: in-place parameter updates over n elements, operands as array + offset. Every public
 * method checks its arguments here ({@link KernelArgs}) for every implementation, then calls the protected kernel:
 * {@code scalar.ScalarUpdates} (the oracle) or {@code vector.optim.VectorUpdates}, which match bitwise (each
 * element depends on its own inputs only, with the same float operations), {@link #sumOfSquares} excepted.
 *
 * <p>Thread safety: implementations accept concurrent calls on operands that do not overlap (see {@link Backend}).
 */
public abstract class Updates {
    /** For subclasses. */
    protected Updates() {}

    /**
     * One SGD step in place, PyTorch's formulation: {@code g' = g + weightDecay·w} ({@code g' = g} when weightDecay
     * is 0, as PyTorch skips the term: a parameter holding ±Inf stays ±Inf instead of becoming NaN); with momentum
     * {@code v = momentum·v + g'} and the step direction {@code d = nesterov ? g' + momentum·v : v};
     * without momentum (0) {@code d = g'} and {@code v} is not touched (may be null); {@code w -= lr·d}.
     */
    public final void sgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        KernelArgs.sgdUpdate(n, momentum, w, wOff, g, gOff, v, vOff);
        runSgd(n, lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff);
    }

    /**
     * One Adam step in place, in PyTorch 1.13's order of float operations (L2 weight decay added to the gradient):
     * {@code g' = g + weightDecay·w} ({@code g' = g} when the decay is 0, as PyTorch skips the term: a parameter
     * holding ±Inf stays ±Inf); {@code m = m·b1 + g'·(1-b1); v = v·b2 + g'·(1-b2)·g';
     * w -= stepSize·m / (sqrt(v)/sqrtC2 + eps)}, with {@code 1-b1}, {@code 1-b2} ({@code oneMinusBeta1/2}),
     * {@code stepSize = lr / (1 - b1^t)} and {@code sqrtC2 = sqrt(1 - b2^t)} computed by the caller, as for
     * {@link #adamW} (PyTorch computes them in double from the decimal hyperparameters).
     */
    public final void adam(int n, float weightDecay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                           float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        KernelArgs.adamUpdate(n, w, wOff, g, gOff, m, mOff, v, vOff);
        runAdam(n, weightDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /**
     * One AdamW step in place, in PyTorch 1.13's order of float operations (decoupled weight decay, no L2 term in
     * the gradient): {@code w *= decay; m = m·b1 + g·(1-b1); v = v·b2 + g·(1-b2)·g;
     * w -= stepSize·m / (sqrt(v)/sqrtC2 + eps)}, with {@code 1-b1}, {@code 1-b2} ({@code oneMinusBeta1/2}),
     * {@code decay = 1 - lr·weightDecay}, {@code stepSize = lr / (1 - b1^t)} and {@code sqrtC2 = sqrt(1 - b2^t)}
     * computed by the caller (PyTorch computes them in double from the decimal hyperparameters).
     */
    public final void adamW(int n, float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                            float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        KernelArgs.adamWUpdate(n, w, wOff, g, gOff, m, mOff, v, vOff);
        runAdamW(n, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /**
     * One RMSProp step in place, PyTorch 1.13's {@code RMSprop}: {@code g' = g + w·weightDecay} (only when the decay
     * is not 0); {@code sq = sq·alpha + g'·(1-alpha)·g'} ({@code 1-alpha} is {@code oneMinusAlpha}, from the caller);
     * centered: {@code ga = ga·alpha + g'·(1-alpha)}, {@code avg = sqrt(sq - ga·ga) + eps}, else
     * {@code avg = sqrt(sq) + eps} (eps after the root); with momentum (&gt; 0) {@code buf = buf·momentum + g'/avg;
     * w -= lr·buf}, else {@code w -= lr·g'/avg}. {@code ga} may be null when not centered, {@code buf} when momentum is 0.
     */
    public final void rmsProp(int n, float lr, float alpha, float oneMinusAlpha, float eps, float weightDecay, float momentum,
                              boolean centered, float[] w, int wOff, float[] g, int gOff, float[] sq, int sqOff,
                              float[] ga, int gaOff, float[] buf, int bufOff) {
        KernelArgs.rmsPropUpdate(n, momentum, centered, w, wOff, g, gOff, sq, sqOff, ga, gaOff, buf, bufOff);
        runRmsProp(n, lr, alpha, oneMinusAlpha, eps, weightDecay, momentum, centered, w, wOff, g, gOff, sq, sqOff, ga, gaOff, buf, bufOff);
    }

    /**
     * {@code Σ x[i]²}, every float widened to double before it is squared and added (no float square can overflow):
     * gradient clipping's total norm. Deterministic (a fixed order of additions, on one thread: the same bits on
     * every call and thread count); the scalar and vector orders differ, so their results may differ in the last bits.
     */
    public final double sumOfSquares(int n, float[] x, int xOff) {
        KernelArgs.elementwise("sumOfSquares", n, "x", x, xOff, null, null, 0);
        return runSumOfSquares(n, x, xOff);
    }

    /** In place {@code x[i] *= alpha} (gradient clipping's scale); bitwise equal across implementations. */
    public final void scale(int n, float alpha, float[] x, int xOff) {
        KernelArgs.elementwise("scale", n, "x", x, xOff, null, null, 0);
        runScale(n, alpha, x, xOff);
    }

    /** {@link #adamW}, arguments checked. */
    protected abstract void runAdamW(int n, float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                                     float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff);

    /** {@link #rmsProp}, arguments checked. */
    protected abstract void runRmsProp(int n, float lr, float alpha, float oneMinusAlpha, float eps, float weightDecay, float momentum,
                                       boolean centered, float[] w, int wOff, float[] g, int gOff, float[] sq, int sqOff,
                                       float[] ga, int gaOff, float[] buf, int bufOff);

    /** {@link #sumOfSquares}, arguments checked. */
    protected abstract double runSumOfSquares(int n, float[] x, int xOff);

    /** {@link #scale}, arguments checked. */
    protected abstract void runScale(int n, float alpha, float[] x, int xOff);

    /** {@link #sgd}, arguments checked. */
    protected abstract void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                                   float[] w, int wOff, float[] g, int gOff, float[] v, int vOff);

    /** {@link #adam}, arguments checked. */
    protected abstract void runAdam(int n, float weightDecay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                                    float eps, float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff);
}
