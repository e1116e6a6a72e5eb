package org.vectorgrad.backend;

/**
 * The convolution family: NCHW tensors, each a contiguous array from an offset, weights (O, I/g, KH, KW). Every public method checks
 * its arguments here ({@link KernelArgs#conv}) for every implementation, then calls the protected kernel:
 * {@code scalar.ScalarConvolution} (direct loops, the oracle) or {@code vector.conv.VectorConvolution} (im2col on
 * a {@link Gemm}, direct vector kernels for a single input channel). {@link Scratch} is the caller's buffers, lent
 * for the call.
 *
 * <p>Thread safety: implementations accept concurrent calls on operands that do not overlap (see {@link Backend}). The
 * {@link Scratch} passed in belongs to the call.
 */
public abstract class Convolution {
    /** For subclasses. */
    protected Convolution() {}

    /** Forward: {@code y = conv(x, w) + bias} (bias may be null); y is overwritten. */
    public final void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] y, int yOff, Scratch scratch) {
        KernelArgs.conv("conv2d forward", g, "x", x, xOff, g.inputSize(), w, wOff, "y", y, yOff, g.outputSize());
        KernelArgs.convBias("conv2d forward", "bias", g, bias, biasOff);
        runForward(g, x, xOff, w, wOff, bias, biasOff, y, yOff, scratch);
    }

    /** Gradient w.r.t. the input: dx is overwritten with convᵀ(dy, w). */
    public final void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, Scratch scratch) {
        KernelArgs.conv("conv2d backward-data", g, "dx", dx, dxOff, g.inputSize(), w, wOff, "dy", dy, dyOff, g.outputSize());
        runBackwardData(g, dy, dyOff, w, wOff, dx, dxOff, scratch);
    }

    /** Gradients w.r.t. weights and bias, accumulated into dw and db (db may be null). */
    public final void backwardWeights(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                      float[] db, int dbOff, Scratch scratch) {
        KernelArgs.conv("conv2d backward-weights", g, "x", x, xOff, g.inputSize(), dw, dwOff, "dy", dy, dyOff, g.outputSize());
        KernelArgs.convBias("conv2d backward-weights", "db", g, db, dbOff);
        runBackwardWeights(g, x, xOff, dy, dyOff, dw, dwOff, db, dbOff, scratch);
    }

    /**
     * The images computed together. On the images {@code [n0, n0 + k)} of a batch (n0 a multiple of this, k a
     * multiple of it or the rest of the batch), {@link #forward} and {@link #backwardData} give the bits of those
     * images in a call on the whole batch, and {@link #backwardWeights} calls on consecutive such parts, in order,
     * accumulate the bits of one call on the whole batch; at any thread count. 1 when every image is computed and
     * reduced alone (the scalar oracle); the vector kernels put several images into one GEMM and sum the weight
     * gradient in groups. Lets a caller run a batch a few images at a time (a fused Conv2d → ReLU → MaxPool2d)
     * without changing a bit.
     */
    public int imageBlock(ConvGeometry g) {
        return 1;
    }

    /**
     * These kernels with every GEMM they make sent to {@code gemm}: how a backend runs its convolutions on the GEMM it
     * chose. Kernels that make no GEMM (the scalar direct loops) return themselves.
     */
    public Convolution on(Gemm gemm) {
        return this;
    }

    /** {@link #forward}, arguments checked. */
    protected abstract void runForward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                                       float[] y, int yOff, Scratch scratch);

    /** {@link #backwardData}, arguments checked. */
    protected abstract void runBackwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, Scratch scratch);

    /** {@link #backwardWeights}, arguments checked. */
    protected abstract void runBackwardWeights(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                               float[] db, int dbOff, Scratch scratch);
}
