package org.vectorgrad.backend;

/**
 * Pointwise activations. The backward of IDENTITY through TANH is written in terms of the forward <em>output</em> y
 * (and the layer's parameter alpha where it has one), so a layer only needs to keep its output; GELU, GELU_TANH and
 * SILU have no derivative expressible through y alone, so their backward reads the forward <em>input</em> x
 * ({@link #backwardFromInput()}): the array {@code activationBackward} takes is whichever of the two this says.
 *
 * <p>Thread safety: an enum, immutable; safe to share.
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
    TANH,
    /**
     * GELU, PyTorch's {@code approximate='none'}: y = x·Φ(x) = x/2·erfc(-x/√2), Φ the standard normal distribution
     * function; dy/dx = Φ(x) + x·φ(x), from the input. GELU(-∞) = NaN and a NaN gradient at ±∞ (∞·0), as PyTorch.
     */
    GELU,
    /**
     * GELU, PyTorch's {@code approximate='tanh'}: y = x/2·(1 + tanh(√(2/π)(x + 0.044715x³))), computed as the equal
     * x·σ(2√(2/π)(x + 0.044715x³)) (no cancellation for negative x); derivative from the input.
     */
    GELU_TANH,
    /** SiLU (swish): y = x·σ(x); dy/dx = σ(x)(1 + x(1 - σ(x))), from the input. */
    SILU;

    /** True when the backward reads the forward input x rather than the output y (GELU, GELU_TANH, SILU). */
    public boolean backwardFromInput() {
        return this == GELU || this == GELU_TANH || this == SILU;
    }
}
