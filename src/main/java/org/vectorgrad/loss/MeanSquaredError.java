package org.vectorgrad.loss;

import org.vectorgrad.tensor.Tensor;

/**
 * Mean over all elements of (prediction - target)², PyTorch's {@code MSELoss}.
 *
 * <p>Thread safety: not thread-safe (see {@link Loss}); one per training thread.
 */
public final class MeanSquaredError extends AbstractLoss<Tensor> {

    @Override
    public double forward(Tensor pred, Tensor target) {
        if (!pred.sameShape(target)) {
            throw new IllegalArgumentException(describe() + ": prediction " + pred.shapeString() + " and target " + target.shapeString() + " differ in shape");
        }
        Tensor p = pred.contiguous(), t = target.contiguous();
        Tensor g = gradBuffer(p);
        double loss = backend().losses().meanSquaredError(p.size(), p.data(), p.offset(), t.data(), t.offset(), g.data(), g.offset(), 1f / p.size());
        haveForward = true;
        return loss;
    }

    @Override
    public String describe() { return "MeanSquaredError"; }
}
