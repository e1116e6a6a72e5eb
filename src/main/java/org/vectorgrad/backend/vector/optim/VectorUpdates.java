package org.vectorgrad.backend.vector.optim;

import org.vectorgrad.backend.Updates;
import org.vectorgrad.backend.vector.elementwise.ElementwiseSplit;

/**
 * The optimizer-update family on the Vector API ({@link OptimizerKernels}), split over threads by an
 * {@link ElementwiseSplit}: bitwise equal to {@code scalar.ScalarUpdates} for any thread count. Safe for concurrent
 * use on distinct parameters.
 */
public final class VectorUpdates extends Updates {
    private final ElementwiseSplit split;

    public VectorUpdates(ElementwiseSplit split) {
        this.split = split;
    }

    @Override
    protected void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        split.run(n, (from, to) -> OptimizerKernels.sgd(lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff, from, to));
    }

    @Override
    protected void runAdam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        split.run(n, (from, to) -> OptimizerKernels.adam(lr, beta1, beta2, eps, weightDecay, c1, c2, w, wOff, g, gOff, m, mOff, v, vOff, from, to));
    }
}
