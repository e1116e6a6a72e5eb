package org.vectorgrad.backend;

/**
 * The pooling family: NCHW tensors, each a contiguous array from an offset (the arg-max buffer of max pooling is the
 * caller's, from index 0). Every public method checks its arguments here
 * ({@link KernelArgs#pool}) for every implementation, then calls the protected kernel: {@code scalar.ScalarPooling}
 * (the oracle) or {@code vector.pool.VectorPooling}. Planes are independent, so results are the same bits for any
 * thread count.
 */
public abstract class Pooling {
    /** For subclasses. */
    protected Pooling() {}

    /**
     * Max pooling forward. {@code argmax[i]} receives, for output element i, the flat index of the winner within
     * the input tensor (relative to {@code xOff}); ties go to the first position in row-major window order (lowest kh, then lowest kw). NaN
     * propagates as in PyTorch 1.13: a window holding NaN outputs NaN, and its arg-max is the last NaN in window
     * order (PyTorch's {@code val > max || isnan(val)}).
     */
    public final void maxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        KernelArgs.pool("max-pool forward", p, "x", x, xOff, "y", y, yOff);
        KernelArgs.argmax("max-pool forward", p, argmax);
        runMaxForward(p, x, xOff, y, yOff, argmax);
    }

    /** Max pooling backward: dx is overwritten, each dy routed to its arg-max (sums where windows overlap). */
    public final void maxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        KernelArgs.pool("max-pool backward", p, "dx", dx, dxOff, "dy", dy, dyOff);
        KernelArgs.argmax("max-pool backward", p, argmax);
        runMaxBackward(p, dy, dyOff, argmax, dx, dxOff);
    }

    /** Average pooling forward. */
    public final void avgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.pool("avg-pool forward", p, "x", x, xOff, "y", y, yOff);
        runAvgForward(p, x, xOff, y, yOff);
    }

    /** Average pooling backward: dx is overwritten. */
    public final void avgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff) {
        KernelArgs.pool("avg-pool backward", p, "dx", dx, dxOff, "dy", dy, dyOff);
        runAvgBackward(p, dy, dyOff, dx, dxOff);
    }

    /** {@link #maxForward}, arguments checked. */
    protected abstract void runMaxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax);

    /** {@link #maxBackward}, arguments checked. */
    protected abstract void runMaxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff);

    /** {@link #avgForward}, arguments checked. */
    protected abstract void runAvgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff);

    /** {@link #avgBackward}, arguments checked. */
    protected abstract void runAvgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff);
}
