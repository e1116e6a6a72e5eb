package org.vectorgrad.backend.vector.optim;

import org.vectorgrad.backend.Updates;
import org.vectorgrad.backend.vector.elementwise.Blas1Kernels;
import org.vectorgrad.backend.vector.elementwise.ElementwiseSplit;

/**
 * The optimizer-update family on the Vector API ({@link OptimizerKernels}, {@link AdamWRmsPropKernels},
 * {@link ClippingKernels}), split over threads by an
 * {@link ElementwiseSplit}: bitwise equal to {@code scalar.ScalarUpdates} for any thread count. Safe for concurrent
 * use on distinct parameters.
 * A job that runs on the calling thread ({@link ElementwiseSplit#inline}) calls its kernel directly: no capturing
 * lambda, so a steady-state training step allocates nothing here.
 */
public final class VectorUpdates extends Updates {
    private final ElementwiseSplit split;

    public VectorUpdates(ElementwiseSplit split) {
        this.split = split;
    }

    @Override
    protected void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        if (split.inline(n)) OptimizerKernels.sgd(lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff, 0, n);
        else split.run(n, (from, to) -> OptimizerKernels.sgd(lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff, from, to));
    }

    @Override
    protected void runAdam(int n, float weightDecay, float beta1, float ob1, float beta2, float ob2, float eps, float stepSize,
                           float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        if (split.inline(n)) OptimizerKernels.adam(weightDecay, beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff, 0, n);
        else split.run(n, (from, to) -> OptimizerKernels.adam(weightDecay, beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff, from, to));
    }

    @Override
    protected void runAdamW(int n, float decay, float beta1, float ob1, float beta2, float ob2, float eps,
                            float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        if (split.inline(n)) AdamWRmsPropKernels.adamW(decay, beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff, 0, n);
        else split.run(n, (from, to) -> AdamWRmsPropKernels.adamW(decay, beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w, wOff, g, gOff, m, mOff, v, vOff, from, to));
    }

    @Override
    protected void runRmsProp(int n, float lr, float alpha, float oa, float eps, float weightDecay, float momentum,
                              boolean centered, float[] w, int wOff, float[] g, int gOff, float[] sq, int sqOff,
                              float[] ga, int gaOff, float[] buf, int bufOff) {
        if (split.inline(n)) AdamWRmsPropKernels.rmsProp(lr, alpha, oa, eps, weightDecay, momentum, centered,
                w, wOff, g, gOff, sq, sqOff, ga, gaOff, buf, bufOff, 0, n);
        else split.run(n, (from, to) -> AdamWRmsPropKernels.rmsProp(lr, alpha, oa, eps, weightDecay, momentum, centered,
                w, wOff, g, gOff, sq, sqOff, ga, gaOff, buf, bufOff, from, to));
    }

    @Override
    protected double runSumOfSquares(int n, float[] x, int xOff) {
        return ClippingKernels.sumOfSquares(n, x, xOff); // one thread: the result never depends on the thread count
    }

    @Override
    protected void runScale(int n, float alpha, float[] x, int xOff) {
        if (split.inline(n)) Blas1Kernels.scale(alpha, x, xOff, 0, n);
        else split.run(n, (from, to) -> Blas1Kernels.scale(alpha, x, xOff, from, to));
    }
}
