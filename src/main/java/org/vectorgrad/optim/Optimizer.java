package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;

/**
 * Updates parameters from their accumulated gradients. State (momentum, moments) is kept per parameter.
 *
 * <p>Thread safety: not thread-safe; an optimizer keeps per-parameter state and writes the parameters, so confine it,
 * with its model, to one thread at a time.
 */
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

    /**
     * Clips the gradients' global L2 norm to {@code maxNorm} at the start of every {@link #step()}, as PyTorch's
     * {@code clip_grad_norm_} called between backward and step (see {@link GradientClipping}); 0 turns it off.
     *
     * @throws UnsupportedOperationException when this optimizer cannot clip
     */
    default void clipGradNorm(float maxNorm) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not clip gradients");
    }

    /** The clipping norm of {@link #clipGradNorm}, 0 when off. */
    default float clipNorm() { return 0f; }

    /** The global gradient norm measured by the last step's clipping, before clipping (NaN when off or before any step). */
    default double lastGradNorm() { return Double.NaN; }

    /**
     * The hyperparameters that shape the update, learning rate excepted (schedules change it): a checkpoint records
     * them and refuses to resume under different ones.
     */
    default String configuration() { return getClass().getSimpleName(); }

    /** Restores {@link #stepCount()} when resuming from a checkpoint. */
    default void setStepCount(long steps) {
        if (steps != 0) throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no step count, got " + steps);
    }
}
