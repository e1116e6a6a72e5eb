package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/**
 * y = 1 / (1 + e^-x).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its output for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class Sigmoid extends ActivationLayer {
    /** {@code 1 / (1 + e^-x)}, elementwise. */
    public Sigmoid() { super(Activation.SIGMOID, 0f); }
}
