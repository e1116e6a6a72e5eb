package org.vectorgrad.nn;

import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/**
 * 2-D max pooling over NCHW input, as PyTorch's {@code MaxPool2d} (padded positions never win). Floor mode by
 * default; with {@code ceilMode} (PyTorch's {@code ceil_mode=True}) the output size rounds up, so a last row and
 * column of windows may hang over the input's end: they take the max of the input elements they hold
 * ({@link PoolGeometry} has the sizes). Backward routes each output gradient to the input position that won the
 * forward (its arg-max), ties going to the first position in window order; gradients add where windows overlap.
 * No dilation (PyTorch's {@code dilation} other than 1 has no counterpart here).
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps buffers for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class MaxPool2d extends AbstractLayer {
    private final int kernelH, kernelW, strideH, strideW, padH, padW;
    private final boolean ceilMode;
    private PoolGeometry geometry;
    private int[] argmax;
    private Tensor output;
    private Tensor gradInput;
    private boolean haveForward;

    /** Square window {@code kernel}, step {@code stride}, no padding. */
    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Square window {@code kernel}, step {@code stride}, {@code padding} on every side (at most kernel/2). */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(kernel, kernel, stride, stride, padding, padding);
    }

    /** Square window, stride and padding as {@link #MaxPool2d(int, int, int)}, in ceil mode when {@code ceilMode}. */
    public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this(kernel, kernel, stride, stride, padding, padding, ceilMode);
    }

    /** Rectangular window, stride and padding, floor mode. */
    public MaxPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        this(kernelH, kernelW, strideH, strideW, padH, padW, false);
    }

    /** Rectangular window, stride and padding; {@code ceilMode} as PyTorch's {@code ceil_mode}. */
    public MaxPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
        PoolShapes.checkOptions("MaxPool2d", kernelH, kernelW, strideH, strideW, padH, padW);
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.ceilMode = ceilMode;
    }

    /** Window (height, width), stride (height, width) and padding (height, width), in that order. */
    public int[] options() { return new int[] {kernelH, kernelW, strideH, strideW, padH, padW}; }

    /** Whether the output size rounds up (PyTorch's {@code ceil_mode}). */
    public boolean ceilMode() { return ceilMode; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        PoolGeometry p = PoolShapes.geometry(this, geometry, x, kernelH, kernelW, strideH, strideW, padH, padW, true, ceilMode);
        Tensor in = dense(x);
        geometry = p;
        output = reuse(output, p.batch(), p.channels(), p.outH(), p.outW());
        if (argmax == null || argmax.length != p.outputSize()) argmax = new int[p.outputSize()];
        backend().pooling().maxForward(p, in.data(), in.offset(), output.data(), output.offset(), argmax);
        haveForward = true;
        return output;
    }

    /** For {@link ConvReluPool}: the (checked) geometry of this pool over an input of shape [n, c, h, w]. */
    PoolGeometry geometryFor(int n, int c, int h, int w) {
        return PoolShapes.geometry(this, null, n, c, h, w, kernelH, kernelW, strideH, strideW, padH, padW, true, ceilMode);
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(haveForward ? geometry : null);
        PoolGeometry p = geometry;
        requireShape("gradient of the output", gy, p.batch(), p.channels(), p.outH(), p.outW());
        Tensor dy = dense(gy);
        gradInput = reuse(gradInput, p.batch(), p.channels(), p.inH(), p.inW());
        backend().pooling().maxBackward(p, dy.data(), dy.offset(), argmax, gradInput.data(), gradInput.offset());
        return gradInput;
    }

    @Override
    public String describe() {
        return "MaxPool2d(kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW
                + (padH != 0 || padW != 0 ? ", padding " + padH + "x" + padW : "") + (ceilMode ? ", ceil mode" : "") + ")";
    }
}
