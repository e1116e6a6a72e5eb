package org.vectorgrad.backend;

/**
 * Geometry of a 2-D pooling window over NCHW input (batch, channels, inH, inW), output
 * (batch, channels, outH, outW), as PyTorch's {@code pooling_output_shape}:
 * {@code outH = floor((inH + 2·padH - kernelH) / strideH) + 1}, or with {@code ceilMode} the ceiling instead of the
 * floor, less one when the last window would start at or past {@code inH + padH} (every window then starts inside
 * the input or its left/top padding, so it holds at least one input element). In ceil mode the last window may
 * overhang the right/bottom padding: that overhang is in no window's divisor.
 *
 * <p>Padded positions never win a max. Average pooling divides by {@link #divisorH} × {@link #divisorW} (PyTorch's
 * {@code count_include_pad}, its default) unless {@code countIncludePad} is false, then by the count of input
 * elements in the window.
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record PoolGeometry(int batch, int channels, int inH, int inW,
                           int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean countIncludePad, boolean ceilMode) {
    public PoolGeometry {
        if (batch < 1 || channels < 1 || inH < 1 || inW < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool dimensions must be positive: input [" + batch + ", " + channels + ", " + inH + ", " + inW
                    + "], kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0 || 2L * padH > kernelH || 2L * padW > kernelW) {
            throw new IllegalArgumentException("pool padding " + padH + "x" + padW + " must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
        long outH = outputSize(inH, kernelH, strideH, padH, ceilMode), outW = outputSize(inW, kernelW, strideW, padW, ceilMode);
        if (outH < 1 || outW < 1) {
            // floor mode: exactly when the kernel is larger than the padded input; ceil mode lets it be larger by less
            // than the stride (PyTorch's "Output size is too small" otherwise)
            throw new IllegalArgumentException("pool kernel " + kernelH + "x" + kernelW + " is larger than the padded input "
                    + (inH + 2L * padH) + "x" + (inW + 2L * padW) + " of input [" + batch + ", " + channels + ", " + inH + ", " + inW + "]"
                    + (ceilMode ? " by the stride " + strideH + "x" + strideW + " or more (ceil mode): no output" : ""));
        }
        // exact arithmetic: the kernels index in int, so refuse sizes an int cannot hold before anything is allocated
        long planes = (long) batch * channels;
        long in = planes * inH * inW;
        long out = planes * outH * outW;
        if (in > ConvGeometry.MAX_ELEMENTS || out > ConvGeometry.MAX_ELEMENTS) {
            throw new IllegalArgumentException("pool input [" + batch + ", " + channels + ", " + inH + ", " + inW + "] (" + in
                    + " elements) or its output (" + out + " elements) exceeds the " + ConvGeometry.MAX_ELEMENTS
                    + " elements an int-indexed Java array holds");
        }
    }

    /** Floor mode (PyTorch's default, {@code ceil_mode=False}): the geometry of the constructor above without ceil mode. */
    public PoolGeometry(int batch, int channels, int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                        boolean countIncludePad) {
        this(batch, channels, inH, inW, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, false);
    }

    /**
     * Outputs along one axis, PyTorch's {@code pooling_output_shape} (dilation 1): may be 0 or negative when the window
     * does not fit, which the constructor refuses. In long, so that no int overflows on the way.
     */
    public static long outputSize(int in, int kernel, int stride, int pad, boolean ceilMode) {
        long span = (long) in + 2L * pad - kernel;
        long out = (ceilMode ? Math.ceilDiv(span, stride) : Math.floorDiv(span, stride)) + 1;
        // ceil mode: the last window must start inside the input or the left padding, never in the right padding
        if (ceilMode && (out - 1) * stride >= (long) in + pad) out--;
        return out;
    }

    /** Output height. */
    public int outH() { return (int) outputSize(inH, kernelH, strideH, padH, ceilMode); }
    /** Output width. */
    public int outW() { return (int) outputSize(inW, kernelW, strideW, padW, ceilMode); }
    /**
     * Height of output row {@code oy}'s window counted in the {@code count_include_pad} divisor: the window clipped
     * to the padded input (PyTorch: {@code min(start + kernel, in + pad) - start}, start = oy·stride - pad). The
     * kernel height except for a ceil-mode last row that overhangs the bottom padding.
     */
    public int divisorH(int oy) {
        int start = oy * strideH - padH;
        return Math.min(start + kernelH, inH + padH) - start;
    }
    /** Width of output column {@code ox}'s window in the {@code count_include_pad} divisor, as {@link #divisorH}. */
    public int divisorW(int ox) {
        int start = ox * strideW - padW;
        return Math.min(start + kernelW, inW + padW) - start;
    }
    /** Elements of the input. */
    public int inputSize() { return batch * channels * inH * inW; }
    /** Elements of the output. */
    public int outputSize() { return batch * channels * outH() * outW(); }
    /** The same window over a batch of {@code n}. */
    public PoolGeometry withBatch(int n) {
        return new PoolGeometry(n, channels, inH, inW, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, ceilMode);
    }
}
