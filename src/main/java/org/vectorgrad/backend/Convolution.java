package org.vectorgrad.backend;

/**
 * The convolution family: NCHW tensors contiguous from index 0, weights (O, I/g, KH, KW). Every public method checks
 * its arguments here ({@link KernelArgs#conv}) for every implementation, then calls the protected kernel:
 * {@code scalar.ScalarConvolution} (direct loops, the oracle) or {@code vector.conv.VectorConvolution} (im2col on
 * a {@link Gemm}, direct vector kernels for a single input channel). {@link Scratch} is the caller's buffers, lent
 * for the call.
 */
public abstract class Convolution {
    /** For subclasses. */
    protected Convolution() {}

    /** Forward: {@code y = conv(x, w) + bias} (bias may be null); y is overwritten. */
    public final void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        KernelArgs.conv("conv2d forward", g, x, "x", g.inputSize(), w, y, "y", g.outputSize());
        KernelArgs.convBias("conv2d forward", "bias", g, bias);
        runForward(g, x, w, bias, y, scratch);
    }

    /** Gradient w.r.t. the input: dx is overwritten with convᵀ(dy, w). */
    public final void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        KernelArgs.conv("conv2d backward-data", g, dx, "dx", g.inputSize(), w, dy, "dy", g.outputSize());
        runBackwardData(g, dy, w, dx, scratch);
    }

    /** Gradients w.r.t. weights and bias, accumulated into dw and db (db may be null). */
    public final void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        KernelArgs.conv("conv2d backward-weights", g, x, "x", g.inputSize(), dw, dy, "dy", g.outputSize());
        KernelArgs.convBias("conv2d backward-weights", "db", g, db);
        runBackwardWeights(g, x, dy, dw, db, scratch);
    }

    /**
     * These kernels with every GEMM they make sent to {@code gemm}: how a backend runs its convolutions on the GEMM it
     * chose. Kernels that make no GEMM (the scalar direct loops) return themselves.
     */
    public Convolution on(Gemm gemm) {
        return this;
    }

    /** {@link #forward}, arguments checked. */
    protected abstract void runForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch);

    /** {@link #backwardData}, arguments checked. */
    protected abstract void runBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch);

    /** {@link #backwardWeights}, arguments checked. */
    protected abstract void runBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch);
}
