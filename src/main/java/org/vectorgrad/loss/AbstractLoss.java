package org.vectorgrad.loss;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/** Backend binding and a reusable gradient buffer shared by the losses. */
abstract class AbstractLoss<T> implements Loss<T> {
    private Backend backend;
    protected Tensor grad;
    protected boolean haveForward;

    @Override
    public void bind(Backend backend) { this.backend = backend; }

    protected final Backend backend() {
        if (backend == null) throw new IllegalStateException(describe() + " has no backend: call bind(backend) first");
        return backend;
    }

    protected final Tensor gradBuffer(Tensor like) {
        if (grad == null || !grad.sameShape(like)) grad = Tensor.zeros(like.shape());
        return grad;
    }

    @Override
    public Tensor backward() {
        if (!haveForward) throw new IllegalStateException(describe() + ": backward called before forward");
        return grad;
    }

    @Override
    public String toString() { return describe(); }
}
