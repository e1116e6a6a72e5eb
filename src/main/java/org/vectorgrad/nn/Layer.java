package org.vectorgrad.nn;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * One inductive step of a network (essay 001): {@code forward} maps the previous layer's output to this
 * layer's, keeping what the backward pass needs; {@code backward} receives dL/d(output), adds dL/d(parameters)
 * into each {@link Parameter#grad()} and returns dL/d(input).
 *
 * <p>Tensors returned by {@code forward} and {@code backward} are buffers owned by the layer and reused by the
 * next call with the same batch size (no allocation per step); copy them if you need them longer. The input of
 * {@code forward} must stay unchanged until the matching {@code backward}.
 *
 * <p><b>Thread safety: layers are not thread-safe</b>, not even for inference: {@code forward} writes the
 * layer's activation buffers (fields), so two threads calling {@code forward} on one model corrupt each other's
 * results silently. Confine a model to one thread at a time; to serve a model from many threads use
 * {@link org.vectorgrad.serve.Predictor}, which runs private replicas of a weight snapshot.
 */
public interface Layer {

    /**
     * Computes the output. {@code training} is the model's mode for this call: true in a training step
     * ({@code Trainer} passes it), false for inference (evaluation, {@code Predictor}); layers such as dropout and
     * batch normalization behave differently in the two (batch norm normalizes with the batch's statistics and
     * updates its running statistics in training, and uses the running statistics otherwise). Containers pass it on
     * to every child.
     */
    Tensor forward(Tensor input, boolean training);

    /** Given dL/d(output) of the last forward, accumulates parameter gradients and returns dL/d(input). */
    Tensor backward(Tensor gradOutput);

    /**
     * As {@link #backward(Tensor)}, but when {@code needInputGradient} is false the caller will not use dL/d(input)
     * (this layer sees the network's input, e.g. a batch of images), so a layer may skip computing it and return
     * null. Parameter gradients are accumulated either way. The default computes it anyway.
     */
    default Tensor backward(Tensor gradOutput, boolean needInputGradient) {
        return backward(gradOutput);
    }

    /** The trainable parameters, in a stable order (empty for parameter-free layers). */
    default List<Parameter> parameters() { return List.of(); }

    /**
     * The non-trainable state saved with the model (e.g. batch norm's running statistics), in a stable order; empty
     * for most layers. Containers return their children's buffers in order.
     */
    default List<Buffer> buffers() { return List.of(); }

    /** Selects the kernels this layer (and any layer inside it) runs on. */
    void bind(Backend backend);

    /**
     * Commits this layer, and every layer inside it, to inference on the backend it is bound to: from now on it only
     * runs {@code forward(x, false)}, may keep its weights in another layout too, and a layer that does refuses
     * {@code backward} ({@link IllegalStateException}); its weights must not change afterwards. A {@link Dense} then
     * keeps a copy of Wᵀ for batches of a few rows where the backend's GEMM gives the same bits in either layout
     * ({@link org.vectorgrad.backend.Gemm#layoutInvariant}), so that a one-sample forward streams the weights row by
     * row instead of transposing them; its outputs keep their bits. Meant for a private copy that serves requests
     * ({@link org.vectorgrad.serve.Predictor}'s replicas). Containers pass it on to every
     * child; the default (layers without weights to lay out) does nothing. Irreversible.
     */
    default void freezeForInference() {}

    /** Short human-readable description, e.g. {@code Dense(784 -> 512)}. */
    String describe();
}
