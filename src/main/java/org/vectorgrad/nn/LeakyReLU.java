package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * y = x for x &gt; 0, slope·x otherwise (PyTorch's default slope 0.01).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its output for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class LeakyReLU extends ActivationLayer {
    /** With PyTorch's default slope, 0.01. */
    public LeakyReLU() { this(0.01f); }

    /**
     * {@code x} for {@code x > 0}, else {@code slope · x}; {@code slope} in (0, 1) (the backward reads the sign of the
     * output).
     */
    public LeakyReLU(float slope) {
        super(Activation.LEAKY_RELU, checkSlope(slope));
    }

    private static float checkSlope(float slope) {
        if (!(slope > 0f) || slope >= 1f) throw new IllegalArgumentException("LeakyReLU slope must be in (0, 1), got " + slope);
        return slope;
    }
}
