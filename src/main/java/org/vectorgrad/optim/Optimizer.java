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

    /**
     * The optimizer's state tensors under stable names (e.g. {@code velocity.0}, {@code exp_avg.3}), live: a
     * checkpoint reads them and a resume overwrites their contents. Empty for a stateless optimizer.
     */
    default java.util.Map<String, org.vectorgrad.tensor.Tensor> stateTensors() { return java.util.Map.of(); }

    /** Steps counted by the optimizer itself (Adam's bias-correction step); 0 when it keeps no count. */
    default long stepCount() { return 0; }

    /** Restores {@link #stepCount()} when resuming from a checkpoint. */
    default void setStepCount(long steps) {
        if (steps != 0) throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no step count, got " + steps);
    }
}
