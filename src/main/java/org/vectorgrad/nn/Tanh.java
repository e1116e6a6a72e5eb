package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;

/** y = tanh(x). */
public final class Tanh extends ActivationLayer {
    public Tanh() { super(Activation.TANH, 0f); }
}
