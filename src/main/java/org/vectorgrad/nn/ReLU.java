package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/** y = max(x, 0). */
public final class ReLU extends ActivationLayer {
    public ReLU() { super(Activation.RELU, 0f); }
}
