package org.vectorgrad.loss;

import org.vectorgrad.backend.Losses;

/**
 * Binary cross-entropy on logits with targets in [0, 1], averaged over all elements (PyTorch's
 * {@code BCEWithLogitsLoss}); stable for large |logits| ({@code max(x,0) - x·t + log(1 + e^-|x|)}).
 *
 * <p>Thread safety: not thread-safe (see {@link Loss}); one per training thread.
 */
public final class BinaryCrossEntropyWithLogits extends ElementwiseLoss {

    /** Binary cross-entropy on logits (mean reduction). */
    public BinaryCrossEntropyWithLogits() { super("logits", "targets"); }

    @Override
    protected double kernel(Losses losses, int n, float[] p, int pOff, float[] t, int tOff, float[] g, int gOff,
            float scale) {
        return losses.binaryCrossEntropyWithLogits(n, p, pOff, t, tOff, g, gOff, scale);
    }

    @Override
    public String describe() { return "BinaryCrossEntropyWithLogits"; }
}
