package org.vectorgrad.backend;

/**
 * The convolution family (NCHW, contiguous from index 0, weights (O, I/g, KH, KW)): the same three kernels as the
 * {@code conv2d*} methods of {@link Backend}, for implementations built on a {@link Gemm} of their owner's choosing
 * (see {@link GemmConvolutions}). Arguments are checked by {@link KernelArgs#conv}.
 */
public interface Convolution {
    /** Forward: {@code y = conv(x, w) + bias} (bias may be null); y is overwritten. */
    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch);

    /** Gradient w.r.t. the input: dx is overwritten with convᵀ(dy, w). */
    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch);

    /** Gradients w.r.t. weights and bias, accumulated into dw and db (db may be null). */
    void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch);
}
