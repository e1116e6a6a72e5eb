package org.vectorgrad.backend.vector.elementwise;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Pointwise;

/**
 * The pointwise family on the Vector API: {@link ActivationKernels} (bias, activations; GELU and SiLU in
 * {@link GeluSiluKernels}), {@link DropoutKernels}, {@link Blas1Kernels} (axpy),
 * {@link ReductionKernels} (column sums), {@link FiniteKernels}, split over threads by an {@link ElementwiseSplit}.
 * Bitwise equal to {@code scalar.ScalarPointwise} except sigmoid, tanh, GELU and SiLU ({@link FixedMath}, within
 * 2e-6 + 1e-5 relative of the oracle), and the same bits for any thread count. Safe for concurrent use.
 * A job that runs on the calling thread ({@link ElementwiseSplit#inline}) calls its kernel directly: no capturing
 * lambda, so a steady-state training step allocates nothing here.
 */
public final class VectorPointwise extends Pointwise {
    private final ElementwiseSplit split;

    public VectorPointwise(ElementwiseSplit split) {
        this.split = split;
    }

    @Override
    protected void runAddBias(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        if (split.inlineRows(rows, cols)) ActivationKernels.biasActivation(0, rows, cols, x, xOff, bias, biasOff, Activation.IDENTITY, 0f);
        else split.rows(rows, cols, (from, to) -> ActivationKernels.biasActivation(from, to, cols, x, xOff, bias, biasOff, Activation.IDENTITY, 0f));
    }

    @Override
    protected void runAddBiasActivation(Activation act, float alpha, int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        if (split.inlineRows(rows, cols)) ActivationKernels.biasActivation(0, rows, cols, x, xOff, bias, biasOff, act, alpha);
        else split.rows(rows, cols, (from, to) -> ActivationKernels.biasActivation(from, to, cols, x, xOff, bias, biasOff, act, alpha));
    }

    @Override
    protected void runColumnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        ReductionKernels.columnSums(rows, cols, dy, dyOff, db, dbOff, 0, cols);
    }

    @Override
    protected void runActivationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        if (split.inline(n)) ActivationKernels.forward(act, alpha, x, xOff, y, yOff, 0, n);
        else split.run(n, (from, to) -> ActivationKernels.forward(act, alpha, x, xOff, y, yOff, from, to));
    }

    @Override
    protected void runActivationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff,
                                         float[] dx, int dxOff) {
        if (split.inline(n)) ActivationKernels.backward(act, alpha, y, yOff, dy, dyOff, dx, dxOff, 0, n);
        else split.run(n, (from, to) -> ActivationKernels.backward(act, alpha, y, yOff, dy, dyOff, dx, dxOff, from, to));
    }

    @Override
    protected void runDropout(double p, long seed, long step, int n, float[] x, int xOff, float[] y, int yOff) {
        if (split.inline(n)) DropoutKernels.apply(p, seed, step, x, xOff, y, yOff, 0, n);
        else split.run(n, (from, to) -> DropoutKernels.apply(p, seed, step, x, xOff, y, yOff, from, to));
    }

    @Override
    protected void runAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        if (split.inline(n)) Blas1Kernels.axpy(alpha, x, xOff, y, yOff, 0, n);
        else split.run(n, (from, to) -> Blas1Kernels.axpy(alpha, x, xOff, y, yOff, from, to));
    }

    @Override
    protected boolean runAllFinite(int n, float[] x, int xOff) {
        return FiniteKernels.allFinite(n, x, xOff);
    }
}
