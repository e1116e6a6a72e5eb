package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * y = max(x, 0).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its output for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class ReLU extends ActivationLayer {
    /** {@code max(x, 0)}, elementwise (NaN stays NaN, as in PyTorch). */
    public ReLU() { super(Activation.RELU, 0f); }
}
