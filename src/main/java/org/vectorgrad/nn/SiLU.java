package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * SiLU (swish), as PyTorch's {@code nn.SiLU}: y = x·σ(x). Keeps a reference to its input for the backward.
 * Not thread-safe (see {@link Layer}).
 */
public final class SiLU extends ActivationLayer {
    /** {@code x · sigmoid(x)}, elementwise. */
    public SiLU() { super(Activation.SILU, 0f); }
}
