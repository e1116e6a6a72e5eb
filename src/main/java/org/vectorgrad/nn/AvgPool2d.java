package org.vectorgrad.nn;

import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/**
 * 2-D average pooling over NCHW input, as PyTorch's {@code AvgPool2d}. By default padded positions count in the
 * divisor ({@code count_include_pad=True}, PyTorch's default); the full constructor can exclude them. Floor mode by
 * default; with {@code ceilMode} (PyTorch's {@code ceil_mode=True}) the output size rounds up, and a last window that
 * hangs over the padded input's end divides by its part inside the padded input only (PyTorch's divisor,
 * {@link PoolGeometry#divisorH}), or by its input elements when padding is not counted. Backward spreads each
 * output gradient evenly over its window's input elements, with the forward's divisor.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps buffers for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class AvgPool2d extends AbstractLayer {
    private final int kernelH, kernelW, strideH, strideW, padH, padW;
    private final boolean countIncludePad, ceilMode;
    private PoolGeometry geometry;
    private Tensor output;
    private Tensor gradInput;
    private boolean haveForward;

    /** Square window {@code kernel}, step {@code stride}, {@code padding} on every side, padding counted. */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(kernel, kernel, stride, stride, padding, padding, true);
    }

    /**
     * Square window, stride and padding as {@link #AvgPool2d(int, int, int)} (padding counted), in ceil mode when
     * {@code ceilMode}: PyTorch's {@code AvgPool2d(kernel, stride, padding, ceil_mode)}.
     */
    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this(kernel, kernel, stride, stride, padding, padding, true, ceilMode);
    }

    /** Rectangular window, stride and padding; {@code countIncludePad} as PyTorch's flag; floor mode. */
    public AvgPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean countIncludePad) {
        this(kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, false);
    }

    /**
     * Rectangular window, stride and padding; {@code countIncludePad} and {@code ceilMode} as PyTorch's
     * {@code count_include_pad} and {@code ceil_mode}. Note the order: {@code countIncludePad} stays seventh, as in
     * the constructor above, where PyTorch's positional order puts {@code ceil_mode} first.
     */
    public AvgPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean countIncludePad, boolean ceilMode) {
        PoolShapes.checkOptions("AvgPool2d", kernelH, kernelW, strideH, strideW, padH, padW);
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.countIncludePad = countIncludePad;
        this.ceilMode = ceilMode;
    }

    /** Window (height, width), stride (height, width) and padding (height, width), in that order. */
    public int[] options() { return new int[] {kernelH, kernelW, strideH, strideW, padH, padW}; }

    /** Whether padded positions count in the divisor (PyTorch's {@code count_include_pad}). */
    public boolean countIncludePad() { return countIncludePad; }

    /** Whether the output size rounds up (PyTorch's {@code ceil_mode}). */
    public boolean ceilMode() { return ceilMode; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        PoolGeometry p = PoolShapes.geometry(this, geometry, x, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, ceilMode);
        Tensor in = dense(x);
        geometry = p;
        output = reuse(output, p.batch(), p.channels(), p.outH(), p.outW());
        backend().pooling().avgForward(p, in.data(), in.offset(), output.data(), output.offset());
        haveForward = true;
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(haveForward ? geometry : null);
        PoolGeometry p = geometry;
        requireShape("gradient of the output", gy, p.batch(), p.channels(), p.outH(), p.outW());
        Tensor dy = dense(gy);
        gradInput = reuse(gradInput, p.batch(), p.channels(), p.inH(), p.inW());
        backend().pooling().avgBackward(p, dy.data(), dy.offset(), gradInput.data(), gradInput.offset());
        return gradInput;
    }

    @Override
    public String describe() {
        return "AvgPool2d(kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW
                + (padH != 0 || padW != 0 ? ", padding " + padH + "x" + padW : "")
                + (countIncludePad ? "" : ", padding not counted") + (ceilMode ? ", ceil mode" : "") + ")";
    }
}
