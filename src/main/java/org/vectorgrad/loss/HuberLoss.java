package org.vectorgrad.loss;

import org.vectorgrad.tensor.Tensor;

/**
 * Huber loss, PyTorch's {@code HuberLoss(delta)} (mean reduction): per element {@code d²/2} where
 * {@code |d| < delta}, else {@code delta·(|d| - delta/2)}, with {@code d = prediction - target}: squared error near
 * the target, absolute error (bounded gradient) far from it. The gradient is {@code clamp(d, -delta, delta) / size}.
 * Not thread-safe (keeps its gradient buffer).
 */
public final class HuberLoss extends AbstractLoss<Tensor> {
    /** PyTorch's default {@code delta}. */
    public static final float DEFAULT_DELTA = 1f;
    private final float delta;

    /** Huber loss with {@code delta = 1}, PyTorch's default. */
    public HuberLoss() { this(DEFAULT_DELTA); }

    /** @param delta where the loss turns from quadratic to linear; positive and finite */
    public HuberLoss(float delta) {
        if (!(delta > 0f) || delta == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("HuberLoss: delta must be positive and finite, got " + delta);
        }
        this.delta = delta;
    }

    /** Where the loss turns from quadratic to linear. */
    public float delta() { return delta; }

    @Override
    public double forward(Tensor pred, Tensor target) {
        if (!pred.sameShape(target)) {
            throw new IllegalArgumentException(describe() + ": prediction " + pred.shapeString() + " and target " + target.shapeString() + " differ in shape");
        }
        Tensor p = pred.contiguous(), t = target.contiguous();
        Tensor g = gradBuffer(p);
        double loss = backend().losses().huberLoss(p.size(), p.data(), p.offset(), t.data(), t.offset(), g.data(), g.offset(), 1f / p.size(), delta);
        haveForward = true;
        return loss;
    }

    @Override
    public String describe() { return "HuberLoss(delta=" + delta + ")"; }
}
