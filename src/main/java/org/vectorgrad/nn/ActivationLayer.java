package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.tensor.Tensor;

/**
 * A pointwise activation layer of any shape. It keeps only its output where the {@link Activation}'s derivative is
 * written in terms of y (backward is {@code dx = dy · act'(y)}), and a reference to its input where the derivative
 * needs x ({@link #backwardReadsInput()}: GELU, SiLU, and a leaky ReLU with a negative slope; the input must then
 * stay unchanged until the matching backward, as {@link Layer} requires of every layer). Not thread-safe (see
 * {@link Layer}).
 */
public class ActivationLayer extends AbstractLayer {
    private final Activation activation;
    private final float alpha;
    private Tensor output;
    private Tensor input;   // kept only when the backward reads the input
    private Tensor gradInput;

    /**
     * A layer applying {@code activation} elementwise; {@code alpha} is its parameter where it has one (LeakyReLU's
     * slope), else ignored.
     */
    public ActivationLayer(Activation activation, float alpha) {
        this.activation = activation;
        this.alpha = alpha;
    }

    /** The activation this layer applies. */
    public Activation activation() { return activation; }

    /** The leaky-ReLU slope (0 for the other activations). */
    public float alpha() { return alpha; }

    /**
     * Whether the backward reads this layer's input rather than its output: for GELU and SiLU
     * ({@link Activation#backwardFromInput()}), and for a leaky ReLU whose slope is negative. The leaky ReLU's
     * derivative is 1 where {@code x > 0}, else the slope; for a slope of 0 or more that is where {@code y > 0}, but a
     * negative slope makes y positive on both sides. The same backward kernel, given x instead of y, applies
     * PyTorch's rule exactly.
     */
    public boolean backwardReadsInput() {
        return activation.backwardFromInput() || (activation == Activation.LEAKY_RELU && alpha < 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor in = dense(x);
        output = reuseLike(output, in);
        backend().pointwise().activationForward(activation, alpha, in.size(), in.data(), in.offset(), output.data(), output.offset());
        if (backwardReadsInput()) input = in;
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(output);
        requireSameShape("gradient of the output", gy, output);
        Tensor dy = dense(gy);
        gradInput = reuseLike(gradInput, output);
        Tensor saved = backwardReadsInput() ? input : output;
        backend().pointwise().activationBackward(activation, alpha, saved.size(), saved.data(), saved.offset(),
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
            case GELU -> "GELU";
            case GELU_TANH -> "GELU(approximate=tanh)";
            case SILU -> "SiLU";
        };
    }
}
