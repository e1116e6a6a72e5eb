package org.vectorgrad.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vectorgrad.tensor.Tensor;

/**
 * Layer normalization over the trailing dimensions, PyTorch 1.13's {@code nn.LayerNorm}: for an input whose last
 * dimensions equal {@code normalizedShape} (D values in all), each of the leading positions is normalized with the
 * mean and biased variance of its own D values, {@code y = (x − mean)/sqrt(var + eps)·weight + bias}, the same in
 * training and evaluation. {@code weight} (ones) and {@code bias} (zeros) have shape {@code normalizedShape} when
 * {@code elementwiseAffine} (the default). No buffers. Kernels: {@link org.vectorgrad.backend.Normalization}
 * (statistics in double, deterministic for every thread count). Not thread-safe, like every {@link Layer}.
 */
public final class LayerNorm extends AbstractLayer {
    /** PyTorch's default eps. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final int[] normalizedShape;
    private final int features;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private float[] saveMean = new float[0];
    private float[] saveInvstd = new float[0];
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    /** Over the trailing dimensions {@code normalizedShape}, eps 1e-5, with elementwise affine. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, DEFAULT_EPS, true);
    }

    /** Every option of PyTorch's constructor. */
    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm needs at least one normalized dimension");
        long d = 1;
        for (int s : normalizedShape) {
            if (s < 1) throw new IllegalArgumentException("LayerNorm" + Arrays.toString(normalizedShape) + ": dimensions must be >= 1");
            d *= s;
        }
        if (d > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("LayerNorm" + Arrays.toString(normalizedShape) + ": too many values");
        if (!(eps > 0) || !Float.isFinite(eps)) throw new IllegalArgumentException("LayerNorm: eps must be positive and finite, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.features = (int) d;
        this.eps = eps;
        this.weight = elementwiseAffine ? new Parameter("weight", Tensor.full(1f, normalizedShape)) : null;
        this.bias = elementwiseAffine ? new Parameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    /** The normalized trailing shape (a copy). */
    public int[] normalizedShape() { return normalizedShape.clone(); }
    /** The value added to the variance before its square root. */
    public float eps() { return eps; }
    /** Whether the layer has a learnable weight and bias (PyTorch's {@code elementwise_affine}). */
    public boolean elementwiseAffine() { return weight != null; }
    /** The scale, shaped as {@link #normalizedShape()}, or null without affine. */
    public Parameter weight() { return weight; }
    /** The shift, or null without affine. */
    public Parameter bias() { return bias; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int r = x.rank(), k = normalizedShape.length;
        boolean ok = r >= k;
        for (int i = 0; ok && i < k; i++) ok = x.dim(r - k + i) == normalizedShape[i];
        if (!ok) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected its last dimensions to be "
                    + Arrays.toString(normalizedShape));
        }
        Tensor in = dense(x);
        int rows = in.size() / features;
        if (saveMean.length != rows) {
            saveMean = new float[rows];
            saveInvstd = new float[rows];
        }
        output = reuseLike(output, in);
        backend().normalization().layerNormForward(rows, features, in.data(), in.offset(), weight == null ? null : weight.value().data(),
                bias == null ? null : bias.value().data(), eps, output.data(), output.offset(), saveMean, saveInvstd);
        input = in;
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        return backward(gy, true);
    }

    @Override
    public Tensor backward(Tensor gy, boolean needInputGradient) {
        requireForward(input);
        requireSameShape("gradient of the output", gy, input);
        Tensor d = dense(gy);
        if (needInputGradient) gradInput = reuseLike(gradInput, input);
        backend().normalization().layerNormBackward(input.size() / features, features, input.data(), input.offset(), d.data(), d.offset(),
                saveMean, saveInvstd, weight == null ? null : weight.value().data(),
                needInputGradient ? gradInput.data() : null, needInputGradient ? gradInput.offset() : 0,
                weight == null ? null : weight.grad().data(), bias == null ? null : bias.grad().data());
        return needInputGradient ? gradInput : null;
    }

    @Override
    public List<Parameter> parameters() {
        return weight == null ? List.of() : List.of(weight, bias);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("LayerNorm(");
        for (int i = 0; i < normalizedShape.length; i++) sb.append(i > 0 ? ", " : "").append(normalizedShape[i]);
        if (eps != DEFAULT_EPS) sb.append(String.format(Locale.ROOT, ", eps=%s", eps));
        if (weight == null) sb.append(", elementwise_affine=false");
        return sb.append(')').toString();
    }
}
