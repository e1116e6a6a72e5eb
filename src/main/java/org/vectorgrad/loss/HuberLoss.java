package org.vectorgrad.loss;

import org.vectorgrad.backend.Losses;

/**
 * Huber loss, PyTorch's {@code HuberLoss(delta)} (mean reduction): per element {@code d²/2} where
 * {@code |d| < delta}, else {@code delta·(|d| - delta/2)}, with {@code d = prediction - target}: squared error near
 * the target, absolute error (bounded gradient) far from it. The gradient is {@code clamp(d, -delta, delta) / size}.
 * Not thread-safe (keeps its gradient buffer).
 */
public final class HuberLoss extends ElementwiseLoss {
    /** PyTorch's default {@code delta}. */
    public static final float DEFAULT_DELTA = 1f;
    private final float delta;

    /** Huber loss with {@code delta = 1}, PyTorch's default. */
    public HuberLoss() { this(DEFAULT_DELTA); }

    /** @param delta where the loss turns from quadratic to linear; positive and finite */
    public HuberLoss(float delta) {
        super("prediction", "target");
        if (!(delta > 0f) || delta == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("HuberLoss: delta must be positive and finite, got " + delta);
        }
        this.delta = delta;
    }

    /** Where the loss turns from quadratic to linear. */
    public float delta() { return delta; }

    @Override
    protected double kernel(Losses losses, int n, float[] p, int pOff, float[] t, int tOff, float[] g, int gOff,
            float scale) {
        return losses.huberLoss(n, p, pOff, t, tOff, g, gOff, scale, delta);
    }

    @Override
    public String describe() { return "HuberLoss(delta=" + delta + ")"; }
}
