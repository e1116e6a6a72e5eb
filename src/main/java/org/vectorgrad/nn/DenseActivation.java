package org.vectorgrad.nn;

import java.util.List;
import org.vectorgrad.backend.Pointwise;
import org.vectorgrad.tensor.Tensor;

/**
 * How a {@link Sequential} runs a {@code Dense → activation} pair (ReLU, leaky ReLU, sigmoid, tanh: the activations
 * whose derivative is written in terms of their output): the product {@code x·Wᵀ} into the dense layer's output
 * buffer, then bias and activation in one pass in place ({@link Pointwise#addBiasActivation}), where the layers one
 * by one add the bias in one pass and read the block again to write the activation's own output. The backward is
 * the activation's backward from that output, then the dense layer's. Bitwise the layers' results (the same
 * element-wise operations in the same order; {@code DenseActivationTest}). GELU, SiLU and a leaky ReLU with a
 * negative slope, whose derivative needs their input ({@link ActivationLayer#backwardReadsInput()}), keep the layers
 * one by one: the in-place pass would overwrite it.
 *
 * <p>Not thread-safe, like the layers it drives.
 */
final class DenseActivation implements LayerChain {
    private final int start;
    private final Dense dense;
    private final ActivationLayer activation;
    private Tensor output, gradient;
    private boolean haveForward;

    private DenseActivation(int start, Dense dense, ActivationLayer activation) {
        this.start = start;
        this.dense = dense;
        this.activation = activation;
    }

    /** The pair starting at layer {@code i} of {@code layers}, or null when layers i, i+1 are not one. */
    static DenseActivation at(List<Layer> layers, int i) {
        if (i + 1 >= layers.size()) return null;
        if (layers.get(i) instanceof Dense d && layers.get(i + 1) instanceof ActivationLayer a && !a.backwardReadsInput()) {
            return new DenseActivation(i, d, a);
        }
        return null;
    }

    @Override public int start() { return start; }

    @Override public int end() { return start + 1; }

    @Override public void invalidate() { haveForward = false; }

    @Override public boolean haveForward() { return haveForward; }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = dense.forwardLinear(x);
        Pointwise pw = activation.backend().pointwise();
        Parameter bias = dense.bias();
        if (bias != null) {
            pw.addBiasActivation(activation.activation(), activation.alpha(), y.dim(0), y.dim(1), y.data(), y.offset(),
                    bias.value().data(), bias.value().offset());
        } else {
            pw.activationForward(activation.activation(), activation.alpha(), y.size(), y.data(), y.offset(), y.data(), y.offset());
        }
        output = y;
        haveForward = true;
        return y;
    }

    @Override
    public Tensor backward(Tensor gy, boolean needInputGradient) {
        if (!haveForward) throw new IllegalStateException(activation.describe() + ": backward called before forward");
        if (!gy.sameShape(output)) {
            throw new IllegalArgumentException(activation.describe() + ": gradient of the output has shape " + gy.shapeString()
                    + ", expected " + output.shapeString());
        }
        Tensor dy = gy.contiguous();
        gradient = AbstractLayer.reuseLike(gradient, output);
        activation.backend().pointwise().activationBackward(activation.activation(), activation.alpha(), output.size(),
                output.data(), output.offset(), dy.data(), dy.offset(), gradient.data(), gradient.offset());
        return dense.backward(gradient, needInputGradient);
    }
}
