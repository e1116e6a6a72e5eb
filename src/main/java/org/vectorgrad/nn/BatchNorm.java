package org.vectorgrad.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vectorgrad.backend.Normalization;
import org.vectorgrad.tensor.Tensor;

/**
 * Batch normalization over the channel dimension (dimension 1) of an {@code (N, C, ...)} input, PyTorch 1.13's
 * {@code _BatchNorm}: {@link BatchNorm1d} for {@code (N, C)} and {@code (N, C, L)}, {@link BatchNorm2d} for NCHW.
 *
 * <p><b>Training</b> ({@code forward(x, true)}): each channel is normalized with the batch's mean and
 * <em>biased</em> variance over the N·(spatial) values of that channel, {@code y = (x − mean)/sqrt(var + eps)·weight +
 * bias}; when running statistics are tracked they are updated with the <em>unbiased</em> variance,
 * {@code running = (1 − momentum)·running + momentum·batch} (momentum 0.1 by default), and
 * {@code num_batches_tracked} is incremented. A batch with a single value per channel is refused, as PyTorch does.
 * <b>Evaluation</b> ({@code forward(x, false)}): the running statistics are used (without tracking: the batch's,
 * as PyTorch). Momentum {@code None} (cumulative average) is not supported.
 *
 * <p>Parameters {@code weight} (ones) and {@code bias} (zeros) when {@code affine}; buffers {@code running_mean}
 * (zeros), {@code running_var} (ones) and {@code num_batches_tracked} (int64 scalar) when tracking, under PyTorch's
 * {@code state_dict} names. Kernels: {@link Normalization} (statistics in double, deterministic for every thread
 * count). Not thread-safe, like every {@link Layer}.
 */
public abstract class BatchNorm extends AbstractLayer {
    /** PyTorch's default eps. */
    public static final float DEFAULT_EPS = 1e-5f;
    /** PyTorch's default momentum. */
    public static final float DEFAULT_MOMENTUM = 0.1f;

    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final Buffer numBatchesTracked;
    private final float[] saveMean;
    private final float[] saveInvstd;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;
    private boolean batchStatistics;

    BatchNorm(int channels, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        if (channels < 1) throw new IllegalArgumentException(kind() + ": channels must be >= 1, got " + channels);
        if (!(eps > 0) || !Float.isFinite(eps)) throw new IllegalArgumentException(kind() + ": eps must be positive and finite, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException(kind() + ": momentum must be in [0, 1], got " + momentum);
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? new Parameter("weight", Tensor.full(1f, channels)) : null;
        this.bias = affine ? new Parameter("bias", Tensor.zeros(channels)) : null;
        this.runningMean = trackRunningStats ? Buffer.ofFloats("running_mean", Tensor.zeros(channels)) : null;
        this.runningVar = trackRunningStats ? Buffer.ofFloats("running_var", Tensor.full(1f, channels)) : null;
        this.numBatchesTracked = trackRunningStats ? Buffer.ofInt64("num_batches_tracked") : null;
        this.saveMean = new float[channels];
        this.saveInvstd = new float[channels];
    }

    /** "BatchNorm1d" or "BatchNorm2d". */
    abstract String kind();

    /** The number of spatial values per (sample, channel) of {@code x}, after checking its shape. */
    abstract int spatial(Tensor x);

    /** Channels (PyTorch's {@code num_features}). */
    public int channels() { return channels; }
    /** The value added to the variance before its square root. */
    public float eps() { return eps; }
    /** The running statistics' update factor (PyTorch's {@code momentum}). */
    public float momentum() { return momentum; }
    /** Whether the layer has a learnable weight and bias. */
    public boolean affine() { return weight != null; }
    /** Whether the layer keeps running mean and variance for evaluation. */
    public boolean trackRunningStats() { return runningMean != null; }
    /** The scale γ, or null without affine. */
    public Parameter weight() { return weight; }
    /** The shift β, or null without affine. */
    public Parameter bias() { return bias; }
    /** {@code running_mean} (C values), or null when not tracking. */
    public Tensor runningMean() { return runningMean == null ? null : runningMean.value(); }
    /** {@code running_var} (C values, unbiased), or null when not tracking. */
    public Tensor runningVar() { return runningVar == null ? null : runningVar.value(); }
    /** {@code num_batches_tracked}: training forward passes so far (0 when not tracking). */
    public long numBatchesTracked() { return numBatchesTracked == null ? 0 : numBatchesTracked.longs()[0]; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int spatial = spatial(x);
        Tensor in = dense(x);
        int batch = in.dim(0);
        output = reuseLike(output, in);
        float[] g = weight == null ? null : weight.value().data(), b = bias == null ? null : bias.value().data();
        Normalization k = backend().normalization();
        batchStatistics = training || runningMean == null;
        if (batchStatistics) {
            if ((long) batch * spatial < 2) {
                throw new IllegalArgumentException(describe() + ": expected more than 1 value per channel when training, got input of shape "
                        + x.shapeString());
            }
            boolean update = training && runningMean != null;
            if (update) numBatchesTracked.longs()[0]++;
            k.batchNormTrain(batch, channels, spatial, in.data(), in.offset(), g, b, eps, momentum,
                    update ? runningMean.value().data() : null, update ? runningVar.value().data() : null,
                    output.data(), output.offset(), saveMean, saveInvstd);
        } else {
            k.batchNormEval(batch, channels, spatial, in.data(), in.offset(), g, b, eps, runningMean.value().data(),
                    runningVar.value().data(), output.data(), output.offset(), saveMean, saveInvstd);
        }
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
        int batch = input.dim(0), spatial = input.size() / Math.max(1, batch * channels);
        if (needInputGradient) gradInput = reuseLike(gradInput, input);
        backend().normalization().batchNormBackward(batch, channels, spatial, input.data(), input.offset(), d.data(), d.offset(),
                saveMean, saveInvstd, weight == null ? null : weight.value().data(), batchStatistics,
                needInputGradient ? gradInput.data() : null, needInputGradient ? gradInput.offset() : 0,
                weight == null ? null : weight.grad().data(), bias == null ? null : bias.grad().data());
        return needInputGradient ? gradInput : null;
    }

    @Override
    public List<Parameter> parameters() {
        return weight == null ? List.of() : List.of(weight, bias);
    }

    @Override
    public List<Buffer> buffers() {
        return runningMean == null ? List.of() : List.of(runningMean, runningVar, numBatchesTracked);
    }

    /** Fails naming the layer unless dimension 1 of {@code x} is the channel count. */
    final void requireChannels(Tensor x, String expected) {
        if (x.dim(1) != channels) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected " + expected
                    + " with C = " + channels);
        }
    }

    @Override
    public String describe() {
        List<String> opts = new ArrayList<>();
        opts.add(Integer.toString(channels));
        if (eps != DEFAULT_EPS) opts.add(String.format(Locale.ROOT, "eps=%s", eps));
        if (momentum != DEFAULT_MOMENTUM) opts.add(String.format(Locale.ROOT, "momentum=%s", momentum));
        if (weight == null) opts.add("affine=false");
        if (runningMean == null) opts.add("track_running_stats=false");
        return kind() + "(" + String.join(", ", opts) + ")";
    }
}
