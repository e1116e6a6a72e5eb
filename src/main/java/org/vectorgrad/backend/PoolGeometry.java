package org.vectorgrad.backend;

/**
 * Geometry of a 2-D pooling window over NCHW input (batch, channels, inH, inW), output
 * (batch, channels, outH, outW), {@code outH = (inH + 2·padH - kernelH) / strideH + 1} (floor mode, as PyTorch).
 * Padded positions never win a max; average pooling divides by the full window (count_include_pad, as PyTorch's
 * default) unless {@code countIncludePad} is false.
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record PoolGeometry(int batch, int channels, int inH, int inW,
                           int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean countIncludePad) {
    public PoolGeometry {
        if (batch < 1 || channels < 1 || inH < 1 || inW < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool dimensions must be positive: input [" + batch + ", " + channels + ", " + inH + ", " + inW
                    + "], kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0 || 2L * padH > kernelH || 2L * padW > kernelW) {
            throw new IllegalArgumentException("pool padding " + padH + "x" + padW + " must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
        if (kernelH > inH + 2L * padH || kernelW > inW + 2L * padW) {
            throw new IllegalArgumentException("pool kernel " + kernelH + "x" + kernelW + " is larger than the padded input "
                    + (inH + 2L * padH) + "x" + (inW + 2L * padW) + " of input [" + batch + ", " + channels + ", " + inH + ", " + inW + "]");
        }
        // exact arithmetic: the kernels index in int, so refuse sizes an int cannot hold before anything is allocated
        long planes = (long) batch * channels;
        long in = planes * inH * inW;
        long out = planes * ((inH + 2L * padH - kernelH) / strideH + 1) * ((inW + 2L * padW - kernelW) / strideW + 1);
        if (in > ConvGeometry.MAX_ELEMENTS || out > ConvGeometry.MAX_ELEMENTS) {
            throw new IllegalArgumentException("pool input [" + batch + ", " + channels + ", " + inH + ", " + inW + "] (" + in
                    + " elements) or its output (" + out + " elements) exceeds the " + ConvGeometry.MAX_ELEMENTS
                    + " elements an int-indexed Java array holds");
        }
    }

    /** Output height (floor mode, as PyTorch). */
    public int outH() { return (inH + 2 * padH - kernelH) / strideH + 1; }
    /** Output width (floor mode, as PyTorch). */
    public int outW() { return (inW + 2 * padW - kernelW) / strideW + 1; }
    /** Elements of the input. */
    public int inputSize() { return batch * channels * inH * inW; }
    /** Elements of the output. */
    public int outputSize() { return batch * channels * outH() * outW(); }
    /** The same window over a batch of {@code n}. */
    public PoolGeometry withBatch(int n) {
        return new PoolGeometry(n, channels, inH, inW, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad);
    }
}
