package org.vectorgrad.backend;

/**
 * Everything a 2-D convolution kernel needs to know about its operands, NCHW layout.
 *
 * <p>Input x: (batch, inChannels, inH, inW). Weights: (outChannels, inChannels/groups, kernelH, kernelW), as
 * PyTorch. Output y: (batch, outChannels, outH, outW) with
 * {@code outH = (inH + padTop + padBottom - dilationH·(kernelH-1) - 1) / strideH + 1} and likewise for W.
 * Validation (with messages naming both shapes) happens in the constructor so kernels can trust it, including that
 * every size the kernels compute in {@code int} (input, padded input plane, output, weights, and the im2col matrix
 * of one image) is at most {@link #MAX_ELEMENTS}, checked in {@code long} arithmetic.
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record ConvGeometry(int batch, int inChannels, int inH, int inW,
                           int outChannels, int kernelH, int kernelW,
                           int strideH, int strideW,
                           int padTop, int padBottom, int padLeft, int padRight,
                           int dilationH, int dilationW, int groups) {

    public ConvGeometry {
        if (batch < 1 || inChannels < 1 || inH < 1 || inW < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("conv dimensions must be positive: " + describe(batch, inChannels, inH, inW, outChannels, kernelH, kernelW));
        }
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv stride and dilation must be >= 1, got stride " + strideH + "x" + strideW + ", dilation " + dilationH + "x" + dilationW);
        }
        if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv padding must be >= 0");
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide both in_channels=" + inChannels + " and out_channels=" + outChannels);
        }
        // long arithmetic throughout: every size below must be checked before an int computes it
        long effH = (long) dilationH * (kernelH - 1) + 1, effW = (long) dilationW * (kernelW - 1) + 1;
        long paddedH = (long) inH + padTop + padBottom, paddedW = (long) inW + padLeft + padRight;
        if (effH > paddedH || effW > paddedW) {
            throw new IllegalArgumentException("kernel " + kernelH + "x" + kernelW + " (dilated " + effH + "x" + effW + ") is larger than the padded input "
                    + paddedH + "x" + paddedW + " of input [" + batch + ", " + inChannels + ", " + inH + ", " + inW + "]");
        }
        long oh = (paddedH - effH) / strideH + 1, ow = (paddedW - effW) / strideW + 1;
        long k = (long) (inChannels / groups) * kernelH * kernelW;
        fits("the input", inputSizeText(batch, inChannels, inH, inW), (long) batch * inChannels * inH * inW);
        fits("the padded input plane", paddedH + " x " + paddedW, paddedH * paddedW);
        fits("the output", "[" + batch + ", " + outChannels + ", " + oh + ", " + ow + "]", (long) batch * outChannels * oh * ow);
        fits("the weights", "[" + outChannels + ", " + inChannels / groups + ", " + kernelH + ", " + kernelW + "]", (long) outChannels * k);
        // the GEMM lowering's column matrix of one image: K = (in channels per group)·kh·kw rows, oh·ow columns
        fits("the im2col matrix of one image", k + " x " + oh * ow, k * oh * ow);
    }

    /**
     * Refuses a size that a Java array (or an int index into one) cannot hold, naming the operand and its
     * dimensions: checked here, before any buffer is allocated.
     */
    private static void fits(String what, String dims, long elements) {
        if (elements > MAX_ELEMENTS) {
            throw new IllegalArgumentException(what + ", " + dims + " = " + elements + " floats, exceeds the " + MAX_ELEMENTS
                    + " elements an int-indexed Java array holds");
        }
    }

    private static String inputSizeText(int n, int c, int h, int w) {
        return "[" + n + ", " + c + ", " + h + ", " + w + "]";
    }

    /**
     * Most elements any operand may have: an int-indexed array's limit less a margin, since kernels read up to a
     * vector (16 floats) past some buffers and JVMs refuse arrays within a few elements of {@code Integer.MAX_VALUE}.
     */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 64;

    private static String describe(int n, int c, int h, int w, int o, int kh, int kw) {
        return "input [" + n + ", " + c + ", " + h + ", " + w + "], " + o + " output channels, kernel " + kh + "x" + kw;
    }

    /** Square kernel, symmetric padding, no dilation, one group. */
    public static ConvGeometry simple(int batch, int inChannels, int inH, int inW, int outChannels, int kernel, int stride, int pad) {
        return new ConvGeometry(batch, inChannels, inH, inW, outChannels, kernel, kernel, stride, stride, pad, pad, pad, pad, 1, 1, 1);
    }

    /** Output height (floor division, as PyTorch). */
    public int outH() { return (inH + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1; }
    /** Output width (floor division, as PyTorch). */
    public int outW() { return (inW + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1; }
    /** Input channels seen by each output channel. */
    public int inChannelsPerGroup() { return inChannels / groups; }
    /** Output channels of each group. */
    public int outChannelsPerGroup() { return outChannels / groups; }
    /** Elements of the input. */
    public int inputSize() { return batch * inChannels * inH * inW; }
    /** Elements of the output. */
    public int outputSize() { return batch * outChannels * outH() * outW(); }
    /** Elements of the weight. */
    public int weightSize() { return outChannels * inChannelsPerGroup() * kernelH * kernelW; }
    /** Multiply-adds of one forward pass (×2 for FLOPs). */
    public long macs() { return (long) batch * outChannels * outH() * outW() * inChannelsPerGroup() * kernelH * kernelW; }
    /** Same geometry for another batch size. */
    public ConvGeometry withBatch(int n) {
        return new ConvGeometry(n, inChannels, inH, inW, outChannels, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
    }
}
