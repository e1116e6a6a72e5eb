package org.vectorgrad.backend.scalar;

/**
 * The scalar twins of the vector regression-loss kernels
 * ({@link org.vectorgrad.backend.vector.elementwise.RegressionLossKernels}): the plainest loops, in double, used by
 * {@link ScalarLosses} and as the oracle the vector kernels are tested against. Each returns the <em>sum</em> of its
 * per-element terms (the {@link org.vectorgrad.backend.Losses} family divides by n) and writes the gradient scaled
 * by {@code scale} unless {@code grad} is null. NaN propagates as in PyTorch 1.13. Stateless and thread-safe.
 */
public final class ScalarRegressionLosses {
    private ScalarRegressionLosses() {}

    /** Σ |p - t| (PyTorch's {@code L1Loss} times n); {@code grad = scale·sign(p - t)}, sign(0) = 0, sign(NaN) = 0. */
    public static double absoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[pOff + i] - target[tOff + i];
            total += Math.abs(d);
            // not Math.signum, whose sign(NaN) is NaN: PyTorch 1.13's L1 gradient is grad·sgn(d), and its sgn(NaN) is 0
            // (l1_loss([0.5, NaN, -1.5], [1, 0, 1]).backward() gives [-1/3, 0, -1/3]); the loss itself stays NaN
            if (grad != null) grad[gOff + i] = (float) (scale * (d > 0 ? 1 : d < 0 ? -1 : 0));
        }
        return total;
    }

    /**
     * Σ of the Huber terms (PyTorch's {@code HuberLoss(delta)}): {@code d²/2} where {@code |d| < delta}, else
     * {@code delta·(|d| - delta/2)}; {@code grad = scale·clamp(d, -delta, delta)}, NaN kept.
     */
    public static double huber(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[pOff + i] - target[tOff + i];
            double a = Math.abs(d);
            total += a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
            if (grad != null) {
                double c = d > delta ? delta : d < -delta ? -delta : d;
                grad[gOff + i] = (float) (scale * c);
            }
        }
        return total;
    }
}
