package org.vectorgrad.nn;

import java.util.List;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * Fully connected layer, {@code y = x·Wᵀ + b}, with weight {@code (out, in)} and bias {@code (out)} as PyTorch's
 * {@code Linear}. Input {@code (batch, in)}; output {@code (batch, out)}.
 *
 * <p>Backward mirrors forward with the transposed weights (essay 002): {@code dW += dyᵀ·x},
 * {@code db += Σ_rows dy}, {@code dx = dy·W}.
 */
public final class Dense extends AbstractLayer {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;
    /** Set by {@link #freezeForInference}: inference only from then on. */
    private boolean frozen;
    /** Whether the weight's storage holds Wᵀ (in x out) instead of W ({@link #freezeForInference}). */
    private boolean transposedWeight;

    /** A dense layer with He-normal (Kaiming) weights from {@code seed} and zero bias. */
    public Dense(int in, int out, long seed) {
        this(in, out, true, Init.HE_NORMAL, seed);
    }

    public Dense(int in, int out, boolean withBias, Init init, long seed) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Dense needs positive sizes, got " + in + " -> " + out);
        if ((long) in * out > ConvGeometry.MAX_ELEMENTS) {
            throw new IllegalArgumentException("Dense(" + in + " -> " + out + "): the weight [" + out + ", " + in + "] = " + (long) in * out
                    + " floats exceeds the " + ConvGeometry.MAX_ELEMENTS + " elements an int-indexed Java array holds");
        }
        this.in = in;
        this.out = out;
        this.weight = new Parameter("weight", init.create(seed, in, out, out, in));
        this.bias = withBias ? new Parameter("bias", Tensor.zeros(out)) : null;
    }

    /**
     * The weight W (out x in).
     *
     * @throws IllegalStateException after {@link #freezeForInference} rewrote its storage as Wᵀ: saving, training or
     *         reading it then would see the wrong layout (save or train the model the frozen copy was made from)
     */
    public Parameter weight() {
        requireWeightLayout();
        return weight;
    }

    /** The weight's storage whatever its layout (W, or Wᵀ once frozen): for tests. */
    Tensor weightStorage() { return weight.value(); }
    public Parameter bias() { return bias; }
    /** Input features. */
    public int inFeatures() { return in; }
    /** Output features. */
    public int outFeatures() { return out; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = forwardLinear(x);
        if (bias != null) backend().pointwise().addBias(y.dim(0), out, y.data(), y.offset(), bias.value().data(), bias.value().offset());
        return y;
    }

    /**
     * {@code x·Wᵀ} without the bias, into this layer's output buffer (which it returns), keeping x for the backward
     * as {@link #forward} does: for {@link DenseActivation}, which adds the bias and applies the activation in one pass.
     */
    Tensor forwardLinear(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected [batch, " + in + "]");
        }
        Backend be = backend();
        input = dense(x);
        int n = input.dim(0);
        if ((long) n * out > ConvGeometry.MAX_ELEMENTS) { // checked before the output buffer is allocated
            throw new IllegalArgumentException(describe() + ": the output [" + n + ", " + out + "] of input " + x.shapeString() + " = "
                    + (long) n * out + " floats exceeds the " + ConvGeometry.MAX_ELEMENTS + " elements an int-indexed Java array holds");
        }
        // a layer used twice in a row (weights tied in a Sequential) gets its own last output as input: the product
        // must not write over the operand it reads
        if (output != null && output.data() == input.data()) output = null;
        output = reuseMatrix(output, n, out);
        Tensor w = weight.value();
        if (transposedWeight) { // Wᵀ stored (in x out): the same products, each element the same chain (Gemm#layoutInvariant)
            be.gemm().gemm(false, false, n, out, in, 1f, input.data(), input.offset(), in, w.data(), w.offset(), out,
                    0f, output.data(), output.offset(), out);
        } else {
            be.gemm().gemm(false, true, n, out, in, 1f, input.data(), input.offset(), in, w.data(), w.offset(), in,
                    0f, output.data(), output.offset(), out);
        }
        return output;
    }

    /**
     * Inference only from now on (see {@link Layer#freezeForInference}): where the bound backend's GEMM gives the same
     * bits in either layout, the weight's storage is rewritten as Wᵀ (in x out), so that a one-sample forward
     * {@code x·W} streams it row by row (the vector GEMM's {@code OneRow}) instead of transposing W on every call; the
     * outputs keep their bits. {@link #weight()} and {@link #parameters()} then throw (the storage no longer reads as W).
     * Idempotent.
     */
    @Override
    public void freezeForInference() {
        if (frozen) return;
        frozen = true;
        if (!backend().gemm().layoutInvariant()) return;
        Tensor w = weight.value();
        float[] d = w.data(), copy = w.toArray();
        int o = w.offset();
        for (int r = 0; r < out; r++) {
            for (int col = 0; col < in; col++) d[o + col * out + r] = copy[r * in + col];
        }
        transposedWeight = true;
    }

    private void requireWeightLayout() {
        if (transposedWeight) {
            throw new IllegalStateException(describe() + " is frozen for inference (freezeForInference): its weight storage holds Wᵀ;"
                    + " save, train or inspect the model it was copied from");
        }
    }

    private void requireTrainable(String what) {
        if (frozen) throw new IllegalStateException(describe() + " is frozen for inference (freezeForInference): no " + what);
    }

    @Override
    public Tensor backward(Tensor gy) {
        return backward(gy, true);
    }

    @Override
    public Tensor backward(Tensor gy, boolean needInputGradient) {
        requireTrainable("backward");
        requireForward(input);
        int n = input.dim(0);
        if (gy.rank() != 2 || gy.dim(0) != n || gy.dim(1) != out) requireShape("gradient of the output", gy, n, out);
        Tensor dy = dense(gy);
        Backend be = backend();
        // dW (out x in) += dyᵀ (out x n) · x (n x in); beta 0 right after zeroGrad (Parameter#gradientBeta)
        float beta = weight.gradientBeta();
        Tensor w = weight.value(), dw = weight.grad();
        be.gemm().gemm(true, false, out, in, n, 1f, dy.data(), dy.offset(), out, input.data(), input.offset(), in,
                beta, dw.data(), dw.offset(), in);
        if (bias != null) be.pointwise().columnSums(n, out, dy.data(), dy.offset(), bias.grad().data(), bias.grad().offset());
        if (!needInputGradient) return null;
        // dx (n x in) = dy (n x out) · W (out x in)
        gradInput = reuseMatrix(gradInput, n, in);
        be.gemm().gemm(false, false, n, in, out, 1f, dy.data(), dy.offset(), out, w.data(), w.offset(), in,
                0f, gradInput.data(), gradInput.offset(), in);
        return gradInput;
    }

    @Override
    public List<Parameter> parameters() {
        requireWeightLayout();
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String describe() { return "Dense(" + in + " -> " + out + ")"; }
}
