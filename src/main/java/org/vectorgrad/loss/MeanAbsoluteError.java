package org.vectorgrad.loss;

import org.vectorgrad.tensor.Tensor;

/**
 * Mean over all elements of |prediction - target|, PyTorch's {@code L1Loss} (mean reduction). The gradient is
 * {@code sign(p - t) / size}, 0 where the prediction equals the target (as PyTorch's). Robust to outliers: their
 * pull on the model is bounded. Not thread-safe (keeps its gradient buffer).
 */
public final class MeanAbsoluteError extends AbstractLoss<Tensor> {

    @Override
    public double forward(Tensor pred, Tensor target) {
        if (!pred.sameShape(target)) {
            throw new IllegalArgumentException(describe() + ": prediction " + pred.shapeString() + " and target " + target.shapeString() + " differ in shape");
        }
        Tensor p = pred.contiguous(), t = target.contiguous();
        Tensor g = gradBuffer(p);
        double loss = backend().losses().meanAbsoluteError(p.size(), p.data(), p.offset(), t.data(), t.offset(), g.data(), g.offset(), 1f / p.size());
        haveForward = true;
        return loss;
    }

    @Override
    public String describe() { return "MeanAbsoluteError"; }
}
