package org.vectorgrad.backend.vector.elementwise;

import org.vectorgrad.backend.Losses;

/**
 * The loss family on the Vector API: {@link SoftmaxKernels} (softmax, cross-entropy, arg-max) and
 * {@link LossKernels} (BCE with logits, squared error), on the calling thread, lanes summed in a fixed order
 * ({@link Lanes#sum}). Stateless; safe for concurrent use.
 */
public final class VectorLosses extends Losses {
    public VectorLosses() {}

    @Override
    protected void runSoftmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        SoftmaxKernels.softmax(cols, x, xOff, y, yOff, 0, rows);
    }

    @Override
    protected double runSoftmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff,
                                            float[] grad, int gOff, float scale) {
        return SoftmaxKernels.crossEntropy(cols, logits, lOff, labels, labOff, grad, gOff, scale, 0, rows);
    }

    @Override
    protected double runBinaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff,
                                                     float[] grad, int gOff, float scale) {
        return LossKernels.binaryCrossEntropyWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
    }

    @Override
    protected double runSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        return LossKernels.squaredError(n, pred, pOff, target, tOff, grad, gOff, scale);
    }

    @Override
    protected double runAbsoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        return RegressionLossKernels.absoluteError(n, pred, pOff, target, tOff, grad, gOff, scale);
    }

    @Override
    protected double runHuber(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        return RegressionLossKernels.huber(n, pred, pOff, target, tOff, grad, gOff, scale, delta);
    }

    @Override
    protected void runArgmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        SoftmaxKernels.argmaxRows(cols, x, xOff, out, outOff, 0, rows);
    }
}
