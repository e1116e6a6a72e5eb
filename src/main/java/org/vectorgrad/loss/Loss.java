package org.vectorgrad.loss;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * A loss on a model's output. {@code forward} returns the mean loss and keeps what {@code backward} needs;
 * {@code backward} returns dL/d(output) (a buffer owned by the loss, reused across steps).
 *
 * @param <T> the target type: {@code int[]} class labels or a {@link Tensor} of the output's shape
 *
 * <p>Thread safety: not thread-safe; a loss keeps what {@code backward} needs and owns the gradient buffer it returns,
 * so use one loss per training thread.
 */
public interface Loss<T> {
    double forward(Tensor output, T target);

    Tensor backward();

    void bind(Backend backend);

    String describe();

    /**
     * Whether the targets are class labels ({@code int[]}, e.g. {@link SoftmaxCrossEntropy}) rather than a
     * {@link Tensor} of the output's shape (the default). The trainer checks it against the dataset's task.
     */
    default boolean takesClassLabels() { return false; }
}
