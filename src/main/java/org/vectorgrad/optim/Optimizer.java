package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;

/** Updates parameters from their accumulated gradients. State (momentum, moments) is kept per parameter. */
public interface Optimizer {
    /** Applies one update to every parameter from its current gradient. */
    void step();

    /** Sets every parameter's gradient to zero (call before the next backward). */
    default void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    List<Parameter> parameters();

    /** Learning rate used by the next {@link #step()}; schedules change it between steps. */
    float learningRate();

    void setLearningRate(float lr);

    void bind(Backend backend);
}
