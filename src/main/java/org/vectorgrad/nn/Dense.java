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
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its input and buffers for backward): confine
 * it, with the model it belongs to, to one thread at a time.
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
    /** Frozen on a GEMM that gives the same bits in either layout: batches of a few rows run x·W on {@link #weightT}. */
    private boolean fewRowsTransposed;
    /** Wᵀ (in x out), made by the first forward of at most {@link #FROZEN_TRANSPOSED_MAX_ROWS} rows once frozen. */
    private float[] weightT;

    /**
     * Batches of at most this many rows run x·W on Wᵀ once the layer is frozen (see {@link #freezeForInference}): one
     * row times op(B) as it lies streams it (the vector GEMM's {@code OneRow}, few-row tiles), where x·Wᵀ transposes W
     * on every call. From 16 rows on x·Wᵀ led again (784 -> 512 at batch 16: 140 against 151 µs, at 64: 302
     * against 338; 8 rows 117 against 108, 4 rows 109 against 40; AMD Zen 5, 512 bits, docs/decisions.md §2be).
     */
    public static final int FROZEN_TRANSPOSED_MAX_ROWS = 8;

    /** A dense layer with He-normal (Kaiming) weights from {@code seed} and zero bias. */
    public Dense(int in, int out, long seed) {
        this(in, out, true, Init.HE_NORMAL, seed);
    }

    /**
     * A dense layer {@code y = x·Wᵀ + b} with weight {@code [out, in]} (PyTorch's {@code nn.Linear} layout) drawn by
     * {@code init} from {@code seed}, and a zero bias unless {@code withBias} is false.
     */
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

    /** The weight, {@code [out, in]}. */
    public Parameter weight() { return weight; }

    /** Wᵀ as the frozen layer keeps it for batches of a few rows, or null (not frozen, or not made yet): for tests. */
    float[] transposedWeight() { return weightT; }
    /** The bias, {@code [out]}, or null without one. */
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
        if (fewRowsTransposed && n <= FROZEN_TRANSPOSED_MAX_ROWS) {
            // x·W on Wᵀ (in x out): the same products, each element the same chain (Gemm#layoutInvariant)
            if (weightT == null) weightT = w.transpose2d().toArray(); // (in x out), row-major
            be.gemm().gemm(false, false, n, out, in, 1f, input.data(), input.offset(), in, weightT, 0, out,
                    0f, output.data(), output.offset(), out);
        } else {
            be.gemm().gemm(false, true, n, out, in, 1f, input.data(), input.offset(), in, w.data(), w.offset(), in,
                    0f, output.data(), output.offset(), out);
        }
        return output;
    }

    /**
     * Inference only from now on (see {@link Layer#freezeForInference}): where the bound backend's GEMM gives the same
     * bits in either layout, a batch of at most {@link #FROZEN_TRANSPOSED_MAX_ROWS} rows runs {@code x·W} on a copy
     * Wᵀ (in x out, made by the first such batch: the layer's weight memory twice from then on), which a one-sample
     * forward streams row by row (the vector GEMM's {@code OneRow}) instead of transposing W on every call; the outputs
     * keep their bits. The weight must not change afterwards (the copy would be stale). Idempotent.
     */
    @Override
    public void freezeForInference() {
        if (frozen) return;
        frozen = true;
        fewRowsTransposed = backend().gemm().layoutInvariant();
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
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String describe() { return "Dense(" + in + " -> " + out + ")"; }
}
