package org.vectorgrad.backend.vector.conv;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Convolution kernels for the vector backend. STUB: delegates to the scalar reference until the convolution
 * issue lands im2col/col2im on the blocked GEMM.
 */
public final class VectorConvolution {
    private final Backend gemm;
    private final Dispatcher dispatcher;
    private final ScalarBackend reference = new ScalarBackend();

    /** {@code gemm} is the backend whose GEMM the im2col path calls; {@code dispatcher} splits batch/channels. */
    public VectorConvolution(Backend gemm, Dispatcher dispatcher) {
        this.gemm = gemm;
        this.dispatcher = dispatcher;
    }

    public void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        reference.conv2dForward(g, x, w, bias, y, scratch);
    }

    public void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        reference.conv2dBackwardData(g, dy, w, dx, scratch);
    }

    public void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        reference.conv2dBackwardWeights(g, x, dy, dw, db, scratch);
    }
}
