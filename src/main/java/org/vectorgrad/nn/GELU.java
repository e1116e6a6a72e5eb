package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * GELU, as PyTorch's {@code nn.GELU}: exact {@code x·Φ(x)} (Φ the standard normal distribution function, through
 * erf) by default, or with {@code approximate = "tanh"} PyTorch's {@code x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))}.
 * Keeps a reference to its input for the backward. Not thread-safe (see {@link Layer}).
 */
public final class GELU extends ActivationLayer {
    /** Exact GELU ({@code approximate = "none"}). */
    public GELU() { this("none"); }

    /**
     * @param approximate {@code "none"} (exact, with erf) or {@code "tanh"}, PyTorch's names
     * @throws IllegalArgumentException for any other value
     */
    public GELU(String approximate) { super(activation(approximate), 0f); }

    private static Activation activation(String approximate) {
        if ("none".equals(approximate)) return Activation.GELU;
        if ("tanh".equals(approximate)) return Activation.GELU_TANH;
        throw new IllegalArgumentException("GELU approximate must be \"none\" or \"tanh\" (as PyTorch), got "
                + (approximate == null ? "null" : "\"" + approximate + "\""));
    }

    /** {@code "none"} or {@code "tanh"}, PyTorch's name of the formula. */
    public String approximate() { return activation() == Activation.GELU_TANH ? "tanh" : "none"; }
}
