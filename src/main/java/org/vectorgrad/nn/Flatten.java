package org.vectorgrad.nn;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Shape;
import org.vectorgrad.tensor.Tensor;

/**
 * Reshapes {@code (N, d1, d2, …)} to {@code (N, d1·d2·…)} without copying; backward restores the input shape.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps the input's shape for backward): confine it,
 * with the model it belongs to, to one thread at a time.
 */
public final class Flatten implements Layer {
    private int[] inputShape;
    // Views are cached per source tensor: upstream layers hand back the same buffer every step, so a steady
    // training loop creates no new view objects.
    private Tensor lastInput, lastOutput, lastGrad, lastGradView;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() < 1) throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected at least [batch]");
        // a non-contiguous input is copied, and the copy must not be reused: the caller may have changed the
        // input's elements in place since (only a view of a contiguous input follows them)
        if (x != lastInput || !x.isContiguous() || inputShape == null || !x.hasShape(inputShape)) {
            inputShape = x.shape();
            int n = x.dim(0);
            lastInput = x;
            int features = 1; // from the shape, not size / n: an empty batch keeps its feature count
            for (int d = 1; d < x.rank(); d++) features = Math.multiplyExact(features, x.dim(d)); // [0, huge, huge] must not wrap
            lastOutput = x.contiguous().reshape(n, features);
        }
        return lastOutput;
    }

    @Override
    public Tensor backward(Tensor gy) {
        if (inputShape == null) throw new IllegalStateException(describe() + ": backward called before forward");
        if (gy.size() != Shape.size(inputShape) || gy.dim(0) != inputShape[0]) {
            throw new IllegalArgumentException(describe() + ": gradient of the output has shape " + gy.shapeString()
                    + ", which does not match the input shape " + Shape.format(inputShape));
        }
        if (gy != lastGrad || !gy.isContiguous() || !lastGradView.hasShape(inputShape)) { // as forward: no stale copy
            lastGrad = gy;
            lastGradView = gy.contiguous().reshape(inputShape);
        }
        return lastGradView;
    }

    @Override public void bind(Backend backend) {}

    @Override public String describe() { return "Flatten"; }
}
