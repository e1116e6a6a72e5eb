package org.vectorgrad.backend.auto;

import org.vectorgrad.backend.Gemm;

/**
 * The {@code auto} backend's GEMM: each product goes to OpenBLAS when it is present and the product is big enough
 * ({@link GemmRule}, which on some CPUs sends none), else to the Java GEMM (vector, or scalar when vector cannot run). The convolutions run the
 * vector kernels with their GEMMs sent here with one thread, and to the Java GEMM with more
 * ({@link AutoBackendFactory}, docs/decisions.md §8).
 *
 * <p>The choice is a fixed function of the shape, decided when the backend is created, never of timings taken
 * while running: the backend contract promises the same bits for the same inputs, which a choice that flips after a
 * calibration would break. Safe for concurrent use (as the two GEMMs).
 */
public final class AutoGemm extends Gemm {
    private final Gemm blas;        // null when OpenBLAS is off or the rule never uses it
    private final Gemm java;
    private final String javaName;
    private final GemmRule rule;

    /**
     * @param blas     the OpenBLAS GEMM, or null when OpenBLAS is off or {@code rule} never uses it
     * @param java     the Java backend's GEMM
     * @param javaName the Java backend's name, for {@link #describe()}
     */
    AutoGemm(Gemm blas, Gemm java, String javaName, GemmRule rule) {
        this.blas = blas;
        this.java = java;
        this.javaName = javaName;
        this.rule = rule;
    }

    /** The GEMM that runs a product of this shape: the OpenBLAS one or the Java one. */
    public Gemm choose(boolean transA, boolean transB, int m, int n, int k) {
        return blas != null && rule.useBlas(transA, transB, m, n, k) ? blas : java;
    }

    /** One line for logs and {@code info}: where each kind of call goes. */
    public String describe() {
        if (rule.never()) return "all kernels -> " + javaName + " (OpenBLAS not used: " + rule.reason() + ")";
        return blas == null
                ? "all kernels -> " + javaName + " (OpenBLAS off)"
                : "gemm -> blas when " + rule + ", else " + javaName + " (conv GEMMs: the same, one OpenBLAS thread each "
                        + "inside the convolution's tasks); everything else -> " + javaName;
    }

    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        choose(transA, transB, m, n, k).gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
