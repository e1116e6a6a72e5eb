package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Losses;

/**
 * The loss oracle: softmax, cross-entropies and squared error in double with {@link StrictMath}, arg-max by
 * PyTorch's rule.
 *
 * <p>Thread safety: stateless; one instance may serve any number of backends and threads at once.
 */
public final class ScalarLosses extends Losses {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarLosses() {}

    @Override
    protected void runSoftmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = rowMax(x, xOff + base, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += StrictMath.exp(x[xOff + base + j] - max);
            for (int j = 0; j < cols; j++) y[yOff + base + j] = (float) (StrictMath.exp(x[xOff + base + j] - max) / sum);
        }
    }

    private static float rowMax(float[] x, int off, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
        return max;
    }

    @Override
    protected double runSoftmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int base = lOff + r * cols;
            int label = labels[labOff + r];
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("label " + label + " of row " + r + " is outside [0, " + cols + ")");
            }
            float max = rowMax(logits, base, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += StrictMath.exp(logits[base + j] - max);
            double lse = max + StrictMath.log(sum);
            total += lse - logits[base + label];
            if (grad != null) {
                for (int j = 0; j < cols; j++) {
                    double p = StrictMath.exp(logits[base + j] - lse);
                    grad[gOff + r * cols + j] = (float) (scale * (p - (j == label ? 1.0 : 0.0)));
                }
            }
        }
        return total;
    }

    @Override
    protected double runBinaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double x = logits[lOff + i], t = targets[tOff + i];
            total += Math.max(x, 0) - x * t + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
            if (grad != null) grad[gOff + i] = (float) (scale * (1.0 / (1.0 + StrictMath.exp(-x)) - t));
        }
        return total;
    }

    @Override
    protected double runSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[pOff + i] - target[tOff + i];
            total += d * d;
            if (grad != null) grad[gOff + i] = (float) (scale * 2.0 * d);
        }
        return total;
    }

    @Override
    protected double runAbsoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        return ScalarRegressionLosses.absoluteError(n, pred, pOff, target, tOff, grad, gOff, scale);
    }

    @Override
    protected double runHuber(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        return ScalarRegressionLosses.huber(n, pred, pOff, target, tOff, grad, gOff, scale, delta);
    }

    @Override
    protected void runArgmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            // PyTorch's argmax: NaN is the largest value, so the first NaN wins; otherwise the first maximum
            int best = 0;
            for (int j = 0; j < cols; j++) {
                float v = x[xOff + r * cols + j];
                if (Float.isNaN(v)) {
                    best = j;
                    break;
                }
                if (v > x[xOff + r * cols + best]) best = j;
            }
            out[outOff + r] = best;
        }
    }
}
