package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/** y = 1 / (1 + e^-x). */
public final class Sigmoid extends ActivationLayer {
    public Sigmoid() { super(Activation.SIGMOID, 0f); }
}
