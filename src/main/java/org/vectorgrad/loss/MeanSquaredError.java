package org.vectorgrad.loss;

import org.vectorgrad.backend.Losses;

/**
 * Mean over all elements of (prediction - target)², PyTorch's {@code MSELoss}.
 *
 * <p>Thread safety: not thread-safe (see {@link Loss}); one per training thread.
 */
public final class MeanSquaredError extends ElementwiseLoss {

    /** Mean squared error (mean reduction). */
    public MeanSquaredError() { super("prediction", "target"); }

    @Override
    protected double kernel(Losses losses, int n, float[] p, int pOff, float[] t, int tOff, float[] g, int gOff,
            float scale) {
        return losses.meanSquaredError(n, p, pOff, t, tOff, g, gOff, scale);
    }

    @Override
    public String describe() { return "MeanSquaredError"; }
}
