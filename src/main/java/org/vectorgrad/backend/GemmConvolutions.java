package org.vectorgrad.backend;

/**
 * A backend whose convolution kernels can run on another {@link Gemm} (the vector backend: im2col and the direct
 * first-layer kernels on its threads). {@link ForwardingBackend} uses it so that a backend choosing its own GEMM
 * ({@code blas}, {@code auto}) runs its convolutions on that GEMM too.
 */
public interface GemmConvolutions {
    /** This backend's convolution kernels with every GEMM sent to {@code gemm}. */
    Convolution convolutionOn(Gemm gemm);
}
