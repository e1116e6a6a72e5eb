package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * y = tanh(x).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its output for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class Tanh extends ActivationLayer {
    /** {@code tanh(x)}, elementwise. */
    public Tanh() { super(Activation.TANH, 0f); }
}
