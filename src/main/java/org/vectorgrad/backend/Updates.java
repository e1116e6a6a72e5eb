package org.vectorgrad.backend;

/**
 * The optimizer-update family: in-place parameter updates over n elements, operands as array + offset. Every public
 * method checks its arguments here ({@link KernelArgs}) for every implementation, then calls the protected kernel:
 * {@code scalar.ScalarUpdates} (the oracle) or {@code vector.optim.VectorUpdates}, which match bitwise (each
 * element depends on its own inputs only, with the same float operations).
 */
public abstract class Updates {
    /** For subclasses. */
    protected Updates() {}

    /**
     * One SGD step in place, PyTorch's formulation: {@code g' = g + weightDecay·w}; with momentum
     * {@code v = momentum·v + g'} and the step direction {@code d = nesterov ? g' + momentum·v : v};
     * without momentum (0) {@code d = g'} and {@code v} is not touched (may be null); {@code w -= lr·d}.
     */
    public final void sgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        KernelArgs.sgdUpdate(n, momentum, w, wOff, g, gOff, v, vOff);
        runSgd(n, lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff);
    }

    /**
     * One Adam step in place (PyTorch's Adam, L2 weight decay added to the gradient):
     * {@code m = b1·m + (1-b1)·g'; v = b2·v + (1-b2)·g'²; w -= lr·(m/c1) / (sqrt(v/c2) + eps)} with
     * bias corrections {@code c1 = 1 - b1^t}, {@code c2 = 1 - b2^t} computed by the caller.
     */
    public final void adam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        KernelArgs.adamUpdate(n, w, wOff, g, gOff, m, mOff, v, vOff);
        runAdam(n, lr, beta1, beta2, eps, weightDecay, c1, c2, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /** {@link #sgd}, arguments checked. */
    protected abstract void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                                   float[] w, int wOff, float[] g, int gOff, float[] v, int vOff);

    /** {@link #adam}, arguments checked. */
    protected abstract void runAdam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                                    float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff);
}
