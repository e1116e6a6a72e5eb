package org.vectorgrad.loss;

import org.vectorgrad.tensor.Tensor;

/**
 * Binary cross-entropy on logits with targets in [0, 1], averaged over all elements (PyTorch's
 * {@code BCEWithLogitsLoss}); stable for large |logits| ({@code max(x,0) - x·t + log(1 + e^-|x|)}).
 *
 * <p>Thread safety: not thread-safe (see {@link Loss}); one per training thread.
 */
public final class BinaryCrossEntropyWithLogits extends AbstractLoss<Tensor> {

    @Override
    public double forward(Tensor logits, Tensor targets) {
        if (!logits.sameShape(targets)) {
            throw new IllegalArgumentException(describe() + ": logits " + logits.shapeString() + " and targets " + targets.shapeString() + " differ in shape");
        }
        Tensor x = logits.contiguous(), t = targets.contiguous();
        Tensor g = gradBuffer(x);
        double loss = backend().losses().binaryCrossEntropyWithLogits(x.size(), x.data(), x.offset(), t.data(), t.offset(), g.data(), g.offset(), 1f / x.size());
        haveForward = true;
        return loss;
    }

    @Override
    public String describe() { return "BinaryCrossEntropyWithLogits"; }
}
