package org.vectorgrad.backend.vector.gemm;

/**
 * A narrow weight gradient's transpose, {@code Cᵀ = Bᵀ·A} with A and B read where they lie, at the GEMM's vector
 * width: the generated {@code NarrowTransposed512/256} kernels (docs/decisions.md §2bf). Stateless.
 */
final class NarrowTransposed {
    private NarrowTransposed() {}

    /** Whether this width has the kernels (512 and 256 bits). */
    static boolean available(int bits) {
        return bits == 512 || bits == 256;
    }

    /** Rows of C the kernels need at least: one vector. */
    static int minRows(int bits) {
        return bits / 32;
    }

    /**
     * {@code t[tOff + j·ldt + i] = Σ_p a[aOff + p·lda + i]·b[bOff + p·ldb + j]} for i < m, j < n, one FMA chain over p
     * ascending each; m ≥ {@link #minRows}, ldt ≥ m.
     */
    static void gemm(int bits, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] t, int tOff, int ldt) {
        switch (bits) {
            case 512 -> NarrowTransposed512.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, t, tOff, ldt);
            case 256 -> NarrowTransposed256.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, t, tOff, ldt);
            default -> throw new IllegalArgumentException("no narrow-transposed kernel for " + bits + "-bit vectors");
        }
    }
}
