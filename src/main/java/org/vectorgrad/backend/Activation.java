package org.vectorgrad.backend;

/**
 * Pointwise activations. Each backward is written in terms of the forward <em>output</em> y (and the layer's
 * parameter alpha where it has one), so a layer only needs to keep its output for the backward pass.
 */
public enum Activation {
    /** Identity: y = x. */
    IDENTITY,
    /**
     * y = x &lt; 0 ? 0 : x, so NaN propagates (ReLU(NaN) = NaN) and -0 stays -0, as in PyTorch 1.13. Backward is
     * PyTorch's {@code threshold_backward}: dx = y &le; 0 ? 0 : dy (the kink at 0 gets slope 0; a NaN output passes
     * dy through; a dead unit gives +0 whatever dy is).
     */
    RELU,
    /** y = x for x &gt; 0, alpha·x otherwise (alpha &gt; 0); dy/dx from the sign of y. */
    LEAKY_RELU,
    /** y = 1 / (1 + e^-x); dy/dx = y (1 - y). */
    SIGMOID,
    /** y = tanh x; dy/dx = 1 - y². */
    TANH
}
