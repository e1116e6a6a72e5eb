package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * Sees each layer's output as a {@link Sequential} computes it (see {@link Sequential#observe}), e.g. to measure
 * activation statistics for diagnostics. An observer must only read: the output is the layer's own buffer, which the
 * next layer reads and the backward pass may need, so writing to it changes the training.
 *
 * <p>Called on the thread that runs {@code forward}, once per layer per forward pass, in layer order.
 */
@FunctionalInterface
public interface ForwardObserver {
    /**
     * After {@code layer}, the {@code index}-th layer of {@code owner}, computed {@code output}
     * ({@code training} as passed to forward). The tensor is only valid during this call.
     */
    void afterLayer(Sequential owner, int index, Layer layer, Tensor output, boolean training);
}
