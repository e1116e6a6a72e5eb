package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;

/** Parameter list, learning rate and backend binding shared by the optimizers. */
abstract class AbstractOptimizer implements Optimizer {
    protected final List<Parameter> params;
    protected float lr;
    private Backend backend;

    AbstractOptimizer(List<Parameter> params, float lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + " got no parameters to optimize");
        this.params = List.copyOf(params);
        setLearningRate(lr);
    }

    @Override public List<Parameter> parameters() { return params; }
    @Override public float learningRate() { return lr; }

    @Override
    public void setLearningRate(float lr) {
        if (!(lr > 0f) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        this.lr = lr;
    }

    @Override public void bind(Backend backend) { this.backend = backend; }

    protected final Backend backend() {
        if (backend == null) throw new IllegalStateException(getClass().getSimpleName() + " has no backend: call bind(backend) first");
        return backend;
    }

    static float check(String what, float v, float lo, float hi) {
        if (!(v >= lo && v < hi)) throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "), got " + v);
        return v;
    }
}
