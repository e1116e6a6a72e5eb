package org.vectorgrad.nn;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * Passes its input through unchanged; the skip branch of a residual block ({@code new Sum(new Identity(), f)}).
 *
 * <p>Thread safety: holds no state, but follows the {@link Layer} contract: confine it, with the model it belongs to,
 * to one thread at a time.
 */
public final class Identity implements Layer {
    @Override public Tensor forward(Tensor input, boolean training) { return input; }
    @Override public Tensor backward(Tensor gradOutput) { return gradOutput; }
    @Override public void bind(Backend backend) {}
    @Override public String describe() { return "Identity"; }
}
