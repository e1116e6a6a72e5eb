package org.vectorgrad.backend;

/**
 * The loss family, with the row-wise softmax and arg-max of a model's outputs. Operands are heap arrays with an
 * offset; a rows×cols block is row-major with leading dimension cols. Every public method checks its arguments
 * here ({@link KernelArgs}) for every implementation, then calls the protected kernel:
 * {@code scalar.ScalarLosses} (the oracle, in double with {@link StrictMath}) or
 * {@code vector.elementwise.VectorLosses}. The losses return the mean over rows (or elements), computed in double:
 * the kernels return the sum, this class divides.
 *
 * <p>Thread safety: implementations accept concurrent calls on operands that do not overlap (see {@link Backend}).
 */
public abstract class Losses {
    /** For subclasses. */
    protected Losses() {}

    /** Row-wise softmax of a rows×cols block, numerically stable (max subtracted). */
    public final void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.rows("softmax", rows, cols, x, xOff, y, yOff);
        runSoftmax(rows, cols, x, xOff, y, yOff);
    }

    /**
     * Softmax cross-entropy on logits with integer class labels. Returns the mean loss over rows, computed in
     * double and stable for large logits, and writes {@code grad = scale·(softmax(logits) - onehot(labels))}
     * (callers pass scale = 1/rows for the gradient of the mean). {@code grad} may be null (loss only). A label
     * outside [0, cols) is an {@link IllegalArgumentException}.
     */
    public final double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff,
                                            float[] grad, int gOff, float scale) {
        KernelArgs.softmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff);
        double total = runSoftmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff, scale);
        return rows == 0 ? 0 : total / rows;
    }

    /**
     * Binary cross-entropy on logits, elementwise over n values with targets in [0, 1]. Returns the mean loss
     * (stable: {@code max(x,0) - x·t + log(1 + e^-|x|)}) and writes {@code grad = scale·(sigmoid(x) - t)} unless null.
     */
    public final double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff,
                                                     float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("binaryCrossEntropyWithLogits", n, "logits", logits, lOff, "targets", targets, tOff, grad, gOff);
        double total = runBinaryCrossEntropyWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
        return n == 0 ? 0 : total / n;
    }

    /** Mean squared error over n values; writes {@code grad = scale·2·(p - t)} unless null. */
    public final double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("meanSquaredError", n, "pred", pred, pOff, "target", target, tOff, grad, gOff);
        double total = runSquaredError(n, pred, pOff, target, tOff, grad, gOff, scale);
        return n == 0 ? 0 : total / n;
    }

    /**
     * Mean absolute error over n values (PyTorch's {@code L1Loss}, mean reduction); writes
     * {@code grad = scale·sign(p - t)} unless null, with sign(0) = 0 (an exact prediction gets no gradient) and
     * sign(NaN) = 0, as PyTorch 1.13's L1 gradient (the loss is NaN).
     */
    public final double meanAbsoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("meanAbsoluteError", n, "pred", pred, pOff, "target", target, tOff, grad, gOff);
        double total = runAbsoluteError(n, pred, pOff, target, tOff, grad, gOff, scale);
        return n == 0 ? 0 : total / n;
    }

    /**
     * Mean Huber loss over n values (PyTorch's {@code HuberLoss(delta)}, mean reduction): {@code d²/2} where
     * {@code |d| < delta}, else {@code delta·(|d| - delta/2)}, d = p - t; writes
     * {@code grad = scale·clamp(d, -delta, delta)} unless null (NaN stays NaN). {@code delta} must be positive and finite.
     */
    public final double huberLoss(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        KernelArgs.huberLoss(n, pred, pOff, target, tOff, grad, gOff, delta);
        double total = runHuber(n, pred, pOff, target, tOff, grad, gOff, scale, delta);
        return n == 0 ? 0 : total / n;
    }

    /**
     * Index of the largest value of each row of a rows×cols block (first one on ties). NaN counts as the largest
     * value, as in PyTorch's {@code argmax}: a row holding NaN gets the index of its first NaN.
     */
    public final void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        KernelArgs.argmaxRows(rows, cols, x, xOff, out, outOff);
        runArgmaxRows(rows, cols, x, xOff, out, outOff);
    }

    /** {@link #softmax}, arguments checked. */
    protected abstract void runSoftmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff);

    /** {@link #softmaxCrossEntropy}, arguments checked: the summed (not mean) loss. */
    protected abstract double runSoftmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff,
                                                     float[] grad, int gOff, float scale);

    /** {@link #binaryCrossEntropyWithLogits}, arguments checked: the summed loss. */
    protected abstract double runBinaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff,
                                                              float[] grad, int gOff, float scale);

    /** {@link #meanSquaredError}, arguments checked: the summed squared error. */
    protected abstract double runSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale);

    /** {@link #meanAbsoluteError}, arguments checked: the summed absolute error. */
    protected abstract double runAbsoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale);

    /** {@link #huberLoss}, arguments checked: the summed Huber terms. */
    protected abstract double runHuber(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta);

    /** {@link #argmaxRows}, arguments checked. */
    protected abstract void runArgmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff);
}
