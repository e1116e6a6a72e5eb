package org.vectorgrad.train;

/**
 * Thrown by {@link Trainer} when the loss of a batch, or the gradient norm of a parameter, is NaN or infinite: the
 * step is abandoned before the optimizer updates anything, so the parameters keep the values they had before that
 * step. The message names the epoch, the step, what was not finite (the loss, or which parameter's gradient) and,
 * for a non-finite loss, where the NaN/Inf came from when that can be seen (the input batch, or a parameter's
 * values).
 *
 * <p>Thread safety: carries only its message; safe to pass between threads.
 */
public final class NonFiniteException extends IllegalStateException {
    private final int epoch, step;
    private final String quantity;

    NonFiniteException(int epoch, int step, String quantity, String message) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.quantity = quantity;
    }

    /** The epoch (1-based) of the failing step, or 0 when the step was run through {@link Trainer#step}. */
    public int epoch() { return epoch; }

    /** The step within its epoch (1-based), or 0 when the step was run through {@link Trainer#step}. */
    public int step() { return step; }

    /** What was not finite: {@code "loss"}, or the gradient of a parameter, e.g. {@code "gradient of layers[0] Dense(784 -> 512) weight"}. */
    public String quantity() { return quantity; }
}
