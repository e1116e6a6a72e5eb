package org.vectorgrad.loss;

import org.vectorgrad.backend.Losses;

/**
 * Mean over all elements of |prediction - target|, PyTorch's {@code L1Loss} (mean reduction). The gradient is
 * {@code sign(p - t) / size}, 0 where the prediction equals the target (as PyTorch's). Robust to outliers: their
 * pull on the model is bounded. Not thread-safe (keeps its gradient buffer).
 */
public final class MeanAbsoluteError extends ElementwiseLoss {

    /** Mean absolute error (mean reduction). */
    public MeanAbsoluteError() { super("prediction", "target"); }

    @Override
    protected double kernel(Losses losses, int n, float[] p, int pOff, float[] t, int tOff, float[] g, int gOff,
            float scale) {
        return losses.meanAbsoluteError(n, p, pOff, t, tOff, g, gOff, scale);
    }

    @Override
    public String describe() { return "MeanAbsoluteError"; }
}
