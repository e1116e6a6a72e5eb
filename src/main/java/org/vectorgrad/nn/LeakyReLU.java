package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * y = x for x &gt; 0, slope·x otherwise (PyTorch's default slope 0.01), and dy/dx = 1 for x &gt; 0, slope otherwise, as
 * PyTorch's {@code nn.LeakyReLU(negative_slope)} computes both for any finite slope: 0 (a ReLU), above 1, or negative
 * (then y is positive on both sides, so the layer keeps its input for the backward instead of reading the output's
 * sign; the input must stay unchanged until the backward, as {@link Layer} requires).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its output for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class LeakyReLU extends ActivationLayer {
    /** With PyTorch's default slope, 0.01. */
    public LeakyReLU() { this(0.01f); }

    /**
     * {@code x} for {@code x > 0}, else {@code slope · x}, for any finite {@code slope} (PyTorch's
     * {@code negative_slope}).
     *
     * @throws IllegalArgumentException when {@code slope} is NaN or infinite
     */
    public LeakyReLU(float slope) {
        super(Activation.LEAKY_RELU, checkSlope(slope));
    }

    private static float checkSlope(float slope) {
        if (!Float.isFinite(slope)) throw new IllegalArgumentException("LeakyReLU slope must be a finite number, got " + slope);
        return slope;
    }
}
