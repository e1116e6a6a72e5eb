package org.vectorgrad.loss;

import org.vectorgrad.backend.Losses;
import org.vectorgrad.tensor.Tensor;

/**
 * A loss between a prediction and a target of the same shape, averaged over all elements (PyTorch's mean
 * reduction): checks the shapes, makes both contiguous, and runs the subclass's kernel, which writes dL/d(prediction)
 * into the reused gradient buffer. Not thread-safe (see {@link Loss}).
 */
abstract class ElementwiseLoss extends AbstractLoss<Tensor> {
    private final String predictionName, targetName;

    /** @param predictionName and {@code targetName}: how the shape-mismatch message names the two operands */
    ElementwiseLoss(String predictionName, String targetName) {
        this.predictionName = predictionName;
        this.targetName = targetName;
    }

    @Override
    public final double forward(Tensor prediction, Tensor target) {
        if (!prediction.sameShape(target)) {
            throw new IllegalArgumentException(describe() + ": " + predictionName + " " + prediction.shapeString() + " and "
                    + targetName + " " + target.shapeString() + " differ in shape");
        }
        Tensor p = prediction.contiguous(), t = target.contiguous();
        Tensor g = gradBuffer(p);
        double loss = kernel(backend().losses(), p.size(), p.data(), p.offset(), t.data(), t.offset(), g.data(), g.offset(),
                1f / p.size());
        haveForward = true;
        return loss;
    }

    /** The backend's kernel for this loss: the mean loss, and {@code scale ·} the per-element gradient into g. */
    protected abstract double kernel(Losses losses, int n, float[] p, int pOff, float[] t, int tOff, float[] g, int gOff,
            float scale);
}
