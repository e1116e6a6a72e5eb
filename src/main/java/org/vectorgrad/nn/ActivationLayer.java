package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.tensor.Tensor;

/**
 * A pointwise activation layer of any shape. It keeps only its output: every {@link Activation}'s derivative is
 * written in terms of y, so backward is {@code dx = dy · act'(y)}.
 */
public class ActivationLayer extends AbstractLayer {
    private final Activation activation;
    private final float alpha;
    private Tensor output;
    private Tensor gradInput;

    public ActivationLayer(Activation activation, float alpha) {
        this.activation = activation;
        this.alpha = alpha;
    }

    public Activation activation() { return activation; }

    /** The leaky-ReLU slope (0 for the other activations). */
    public float alpha() { return alpha; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor in = dense(x);
        output = reuseLike(output, in);
        backend().pointwise().activationForward(activation, alpha, in.size(), in.data(), in.offset(), output.data(), output.offset());
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(output);
        if (!gy.sameShape(output)) {
            throw new IllegalArgumentException(describe() + ": gradient of the output has shape " + gy.shapeString()
                    + ", expected " + output.shapeString());
        }
        Tensor dy = dense(gy);
        gradInput = reuseLike(gradInput, output);
        backend().pointwise().activationBackward(activation, alpha, output.size(), output.data(), output.offset(),
                dy.data(), dy.offset(), gradInput.data(), gradInput.offset());
        return gradInput;
    }

    @Override
    public String describe() {
        return switch (activation) {
            case IDENTITY -> "Identity";
            case RELU -> "ReLU";
            case LEAKY_RELU -> "LeakyReLU(" + alpha + ")";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
        };
    }
}
