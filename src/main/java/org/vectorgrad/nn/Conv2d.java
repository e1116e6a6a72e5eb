package org.vectorgrad.nn;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.tensor.Tensor;

/**
 * 2-D convolution over NCHW activations, as PyTorch's {@code Conv2d}: weight {@code (O, I/groups, KH, KW)},
 * optional bias {@code (O)}, stride, padding (symmetric, per side, or PyTorch's {@code padding='same'} and
 * {@code 'valid'}: {@link Builder#paddingSame}, {@link Builder#paddingValid}), dilation and groups (depthwise when
 * groups == I). Input {@code (N, I, H, W)}; output {@code (N, O, OH, OW)} with
 * {@code OH = (H + padTop + padBottom - dilationH·(KH-1) - 1) / strideH + 1}.
 *
 * <p>Backward: {@code dW += corr(x, dy)}, {@code db += Σ_{n,p} dy}, {@code dx = convᵀ(dy, W)}; all through the
 * bound backend's kernels, with im2col buffers kept in this layer's {@link Scratch} across steps.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps its input and buffers for backward): confine
 * it, with the model it belongs to, to one thread at a time.
 */
public final class Conv2d extends AbstractLayer {
    private final int inChannels, outChannels, kernelH, kernelW, strideH, strideW;
    private final int padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups;
    private final Parameter weight;
    private final Parameter bias;
    private final Scratch scratch = new Scratch();
    private ConvGeometry geometry;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    /**
     * A square-kernel convolution with symmetric padding, no dilation, one group, He-normal weights
     * (fanIn = I·K·K) from {@code seed} and a zero bias.
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, long seed) {
        this(builder(inChannels, outChannels).kernel(kernel).stride(stride).padding(padding).seed(seed));
    }

    private Conv2d(Builder b) {
        if (b.same) b.resolveSamePadding();
        if (b.in < 1 || b.out < 1 || b.kh < 1 || b.kw < 1 || b.sh < 1 || b.sw < 1 || b.dh < 1 || b.dw < 1
                || b.pt < 0 || b.pb < 0 || b.pl < 0 || b.pr < 0 || b.groups < 1) {
            throw new IllegalArgumentException("Conv2d needs positive channels, kernel, stride, dilation and groups and padding >= 0, got "
                    + b.in + " -> " + b.out + ", kernel " + b.kh + "x" + b.kw + ", stride " + b.sh + "x" + b.sw + ", padding (top "
                    + b.pt + ", bottom " + b.pb + ", left " + b.pl + ", right " + b.pr + "), dilation " + b.dh + "x" + b.dw + ", groups " + b.groups);
        }
        if (b.in % b.groups != 0 || b.out % b.groups != 0) {
            throw new IllegalArgumentException("Conv2d(" + b.in + " -> " + b.out + "): groups=" + b.groups
                    + " must divide both in_channels=" + b.in + " and out_channels=" + b.out);
        }
        this.inChannels = b.in;
        this.outChannels = b.out;
        this.kernelH = b.kh;
        this.kernelW = b.kw;
        this.strideH = b.sh;
        this.strideW = b.sw;
        this.padTop = b.pt;
        this.padBottom = b.pb;
        this.padLeft = b.pl;
        this.padRight = b.pr;
        this.dilationH = b.dh;
        this.dilationW = b.dw;
        this.groups = b.groups;
        int cg = b.in / b.groups;
        this.weight = new Parameter("weight", b.init.create(b.seed, cg * b.kh * b.kw, b.out / b.groups * b.kh * b.kw, b.out, cg, b.kh, b.kw));
        this.bias = b.bias ? new Parameter("bias", Tensor.zeros(b.out)) : null;
    }

    /** A builder for the full set of options; defaults: kernel 3, stride 1, padding 0, dilation 1, groups 1, bias, He-normal, seed 0. */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /**
     * PyTorch's {@code padding='same'} for a stride-1 convolution, as {@code {top, bottom, left, right}}: along each
     * axis the total {@code dilation·(kernel-1)}, of which the top/left side gets {@code total / 2} (rounded down)
     * and the bottom/right side the rest, so an odd total (an even kernel with odd dilation) pads one more row at the
     * bottom and one more column on the right (PyTorch 1.13's {@code _ConvNd}: {@code left_pad = total_padding // 2}).
     * The output then has the input's height and width.
     *
     * @throws IllegalArgumentException when a kernel size or dilation is below 1, or a total exceeds an int
     */
    public static int[] samePadding(int kernelH, int kernelW, int dilationH, int dilationW) {
        if (kernelH < 1 || kernelW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("Conv2d padding same: needs a positive kernel and dilation, got kernel " + kernelH + "x" + kernelW
                    + ", dilation " + dilationH + "x" + dilationW);
        }
        long th = (long) dilationH * (kernelH - 1), tw = (long) dilationW * (kernelW - 1);
        if (th > Integer.MAX_VALUE || tw > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Conv2d padding same: dilation·(kernel-1) = " + th + "x" + tw + " exceeds 2^31-1 (kernel "
                    + kernelH + "x" + kernelW + ", dilation " + dilationH + "x" + dilationW + ")");
        }
        int top = (int) (th / 2), left = (int) (tw / 2);
        return new int[] {top, (int) th - top, left, (int) tw - left};
    }

    /** The weight, {@code [outChannels, inChannels / groups, kernelH, kernelW]} (PyTorch's layout). */
    public Parameter weight() { return weight; }
    /** The bias parameter, or null when built without one. */
    public Parameter bias() { return bias; }
    /** Input channels. */
    public int inChannels() { return inChannels; }
    /** Output channels. */
    public int outChannels() { return outChannels; }
    /** Kernel height and width. */
    public int[] kernelSize() { return new int[] {kernelH, kernelW}; }
    /** Stride (height, width). */
    public int[] stride() { return new int[] {strideH, strideW}; }
    /** Padding (top, bottom, left, right). */
    public int[] padding() { return new int[] {padTop, padBottom, padLeft, padRight}; }
    /** Dilation (height, width). */
    public int[] dilation() { return new int[] {dilationH, dilationW}; }
    /** Number of channel groups. */
    public int groups() { return groups; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        ConvGeometry g = prepareForward(x);
        // a layer used twice in a row (weights tied) gets its own last output as input: do not write over it
        if (output != null && output.data() == input.data()) output = null;
        output = reuse(output, g.batch(), outChannels, g.outH(), g.outW());
        forwardImages(g, 0, output.data(), output.offset());
        return output;
    }

    /**
     * Checks {@code x} and keeps it for the backward, without computing anything; {@link #forwardImages} then
     * computes the output (all images for {@link #forward}, a few at a time for {@link ConvReluPool}).
     */
    ConvGeometry prepareForward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected [batch, " + inChannels + ", height, width]");
        }
        input = dense(x);
        return geometryFor(input.dim(0), input.dim(2), input.dim(3));
    }

    /**
     * The output of the images {@code [n0, n0 + chunk.batch())} of the input given to
     * {@link #prepareForward}, written to {@code y[yOff ..]} ({@code chunk} is that geometry with the chunk's batch).
     */
    void forwardImages(ConvGeometry chunk, int n0, float[] y, int yOff) {
        Tensor w = weight.value(), b = bias == null ? null : bias.value();
        int image = inChannels * chunk.inH() * chunk.inW();
        backend().convolution().forward(chunk, input.data(), input.offset() + n0 * image, w.data(), w.offset(),
                b == null ? null : b.data(), b == null ? 0 : b.offset(), y, yOff, scratch);
    }

    /**
     * Starts a backward over the input given to {@link #prepareForward}; returns the input-gradient tensor that
     * {@link #backwardImages} fills (for all images, or chunk by chunk in {@link ConvReluPool}), or null when it is
     * not wanted.
     */
    Tensor prepareBackward(boolean needInputGradient) {
        requireForward(input);
        if (!needInputGradient) return null;
        ConvGeometry g = geometry;
        gradInput = reuse(gradInput, g.batch(), inChannels, g.inH(), g.inW());
        return gradInput;
    }

    /**
     * The backward of the images {@code [n0, n0 + chunk.batch())} given dL/d(their output)
     * at {@code dy[dyOff ..]}: accumulates the weight and bias gradients and, when wanted, writes their part of the
     * input gradient. Over chunks cut at multiples of {@code Convolution.imageBlock} this gives the bits of
     * {@link #backward(Tensor, boolean)} on the whole batch.
     */
    void backwardImages(ConvGeometry chunk, int n0, float[] dy, int dyOff, boolean needInputGradient) {
        Backend be = backend();
        int image = inChannels * chunk.inH() * chunk.inW();
        Tensor dw = weight.grad(), db = bias == null ? null : bias.grad();
        be.convolution().backwardWeights(chunk, input.data(), input.offset() + n0 * image, dy, dyOff, dw.data(), dw.offset(),
                db == null ? null : db.data(), db == null ? 0 : db.offset(), scratch);
        if (!needInputGradient) return;
        Tensor w = weight.value();
        be.convolution().backwardData(chunk, dy, dyOff, w.data(), w.offset(), gradInput.data(), gradInput.offset() + n0 * image, scratch);
    }

    @Override
    public Tensor backward(Tensor gy) {
        return backward(gy, true);
    }

    @Override
    public Tensor backward(Tensor gy, boolean needInputGradient) {
        requireForward(input);
        ConvGeometry g = geometry;
        requireShape("gradient of the output", gy, g.batch(), outChannels, g.outH(), g.outW());
        Tensor dy = dense(gy);
        Tensor dx = prepareBackward(needInputGradient);
        backwardImages(g, 0, dy.data(), dy.offset(), needInputGradient);
        return dx;
    }

    /** The geometry of the last forward, rebuilt only when the input size changes. */
    private ConvGeometry geometryFor(int n, int h, int w) {
        ConvGeometry g = geometry;
        if (g != null && g.batch() == n && g.inH() == h && g.inW() == w) return g;
        try {
            g = new ConvGeometry(n, inChannels, h, w, outChannels, kernelH, kernelW, strideH, strideW,
                    padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": input [" + n + ", " + inChannels + ", " + h + ", " + w + "]: " + e.getMessage(), e);
        }
        geometry = g;
        return g;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Conv2d(").append(inChannels).append(" -> ").append(outChannels)
                .append(", kernel ").append(kernelH).append('x').append(kernelW);
        if (strideH != 1 || strideW != 1) sb.append(", stride ").append(strideH).append('x').append(strideW);
        if (padTop == padBottom && padLeft == padRight) {
            if (padTop != 0 || padLeft != 0) sb.append(", padding ").append(padTop).append('x').append(padLeft);
        } else {
            sb.append(", padding (").append(padTop).append(", ").append(padBottom).append(", ").append(padLeft).append(", ").append(padRight).append(')');
        }
        if (dilationH != 1 || dilationW != 1) sb.append(", dilation ").append(dilationH).append('x').append(dilationW);
        if (groups != 1) sb.append(", groups ").append(groups);
        if (bias == null) sb.append(", no bias");
        return sb.append(')').toString();
    }

    /** Options of a {@link Conv2d}; every setter returns this builder. */
    public static final class Builder {
        private final int in, out;
        private int kh = 3, kw = 3, sh = 1, sw = 1, pt, pb, pl, pr, dh = 1, dw = 1, groups = 1;
        /** paddingSame() was the last padding call: the padding is worked out at build, from the final kernel and dilation. */
        private boolean same;
        private boolean bias = true;
        private Init init = Init.HE_NORMAL;
        private long seed;

        private Builder(int in, int out) {
            this.in = in;
            this.out = out;
        }

        /** A square {@code k x k} kernel (default 3 x 3). */
        public Builder kernel(int k) { return kernel(k, k); }
        /** A {@code kh x kw} kernel. */
        public Builder kernel(int kh, int kw) { this.kh = kh; this.kw = kw; return this; }
        /** The same stride along both axes (default 1). */
        public Builder stride(int s) { return stride(s, s); }
        /** Stride along height and width. */
        public Builder stride(int sh, int sw) { this.sh = sh; this.sw = sw; return this; }
        /** Symmetric padding on all four sides. */
        public Builder padding(int p) { return padding(p, p, p, p); }
        /** Per-side padding (PyTorch's F.pad order differs; this one reads top, bottom, left, right). */
        public Builder padding(int top, int bottom, int left, int right) {
            this.pt = top; this.pb = bottom; this.pl = left; this.pr = right;
            this.same = false;
            return this;
        }
        /**
         * PyTorch's {@code padding='same'}: the output has the input's height and width. The padding is
         * {@link Conv2d#samePadding} of the kernel and dilation the builder holds when {@link #build} runs (so the
         * order of the calls does not matter; a later {@code padding(...)} or {@link #paddingValid} replaces it), and
         * {@link Conv2d#padding} reports those explicit numbers. As in PyTorch, only for stride 1 along both axes:
         * {@link #build} refuses any other stride.
         */
        public Builder paddingSame() { this.same = true; return this; }
        /** PyTorch's {@code padding='valid'}: no padding, the same as {@code padding(0)}. */
        public Builder paddingValid() { return padding(0); }
        /** The same dilation along both axes (default 1). */
        public Builder dilation(int d) { return dilation(d, d); }
        /** Dilation along height and width. */
        public Builder dilation(int dh, int dw) { this.dh = dh; this.dw = dw; return this; }
        /** Groups (default 1); both channel counts must divide by it. */
        public Builder groups(int g) { this.groups = g; return this; }
        /** Whether the layer has a bias (default true; a zero bias). */
        public Builder bias(boolean withBias) { this.bias = withBias; return this; }
        /** How the weight is drawn (default He-normal). */
        public Builder init(Init init) { this.init = java.util.Objects.requireNonNull(init, "init"); return this; }
        /** Seed of the weight's draw (default 0). */
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** The layer, its options checked (a clear error names the bad one). */
        public Conv2d build() { return new Conv2d(this); }

        /** paddingSame(): refuses a strided convolution, as PyTorch does, then sets the four sides. */
        private void resolveSamePadding() {
            if (sh != 1 || sw != 1) {
                throw new IllegalArgumentException("Conv2d(" + in + " -> " + out + ", kernel " + kh + "x" + kw + "): padding same needs stride 1x1, got stride "
                        + sh + "x" + sw + " (as PyTorch, which refuses padding='same' for strided convolutions); use stride 1, or explicit padding with the stride");
            }
            if (kh < 1 || kw < 1 || dh < 1 || dw < 1) return; // the constructor's check names the bad kernel or dilation
            int[] p = samePadding(kh, kw, dh, dw);
            pt = p[0]; pb = p[1]; pl = p[2]; pr = p[3];
        }
    }
}
