package org.vectorgrad.backend.auto;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ForwardingBackend;
import org.vectorgrad.backend.Gemm;

/**
 * Picks a backend per call: GEMM goes to OpenBLAS when it is present and the product is big enough
 * ({@link GemmRule}), everything else to the base backend (vector, or scalar when vector cannot run). Convolution
 * runs the vector backend's kernels with their GEMMs sent through the same rule with one thread, and on the vector
 * GEMM with more ({@link #convolutionGemm()}, docs/decisions.md §8).
 *
 * <p>The choice is a fixed function of the shape, decided when the backend is created, never of timings taken
 * while running: the {@link Backend} contract promises the same bits for the same inputs, which a choice that
 * flips after a calibration would break.
 */
public final class AutoBackend extends ForwardingBackend {
    private final Backend blas;       // null when OpenBLAS is off
    private final GemmRule rule;

    /**
     * @param base runs every kernel the rule does not send to BLAS; owned (closed with this backend)
     * @param blas the OpenBLAS backend or null; it must hold no resources of its own beyond {@code base}
     */
    AutoBackend(Backend base, Backend blas, GemmRule rule) {
        super(base);
        this.blas = blas;
        this.rule = rule;
    }

    @Override public String name() { return "auto"; }

    /**
     * Conv GEMMs follow {@link #gemm} (the rule) with one thread; with more they stay on the base backend: measured
     * in the CNN's training step (docs/decisions.md §8), the convolution's tasks then take turns on the process-wide
     * BLAS lock while the vector GEMM runs inside each task, and the step ran about 20 % slower on OpenBLAS.
     */
    @Override
    protected Gemm convolutionGemm() {
        return threads() == 1 ? this : delegate();
    }

    /** One line for logs and {@code info}: where each kind of call goes. */
    public String describe() {
        return blas == null
                ? "all kernels -> " + delegate().name() + " (OpenBLAS off)"
                : "gemm -> blas when " + rule + ", else " + delegate().name() + " (conv GEMMs: the same with 1 thread, "
                        + delegate().name() + " with more); everything else -> " + delegate().name();
    }

    /** The backend that runs a GEMM of this shape; visible for tests and {@code info}. */
    public Backend gemmBackend(boolean transA, boolean transB, int m, int n, int k) {
        return blas != null && rule.useBlas(transA, transB, m, n, k) ? blas : delegate();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        gemmBackend(transA, transB, m, n, k).gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
