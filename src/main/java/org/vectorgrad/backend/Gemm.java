package org.vectorgrad.backend;

/**
 * The matrix-multiply family: one operation, row-major operands as array + offset + leading dimension.
 * Implementations: {@code scalar.ScalarGemm} (the oracle), {@code vector.gemm.BlockedGemm} (BLIS-style, Vector
 * API), {@code blas.BlasGemm} (OpenBLAS) and {@code auto.AutoGemm} (one of the last two per shape). The
 * convolution kernels run on whichever of them the backend chose ({@link Convolution#on}).
 *
 * <p>{@link #gemm} checks its arguments once, here, for every implementation ({@link KernelArgs#gemm}): bad input is
 * an {@link IllegalArgumentException} naming the operand before any memory is touched. Implementations are
 * deterministic for a given thread count and safe for concurrent use unless they say otherwise.
 */
public abstract class Gemm {
    /** For subclasses. */
    protected Gemm() {}

    /**
     * General matrix multiply, row-major: {@code C = alpha·op(A)·op(B) + beta·C}, op(A) is m×k, op(B) is k×n,
     * C is m×n. {@code transA} means A is stored k×m (op(A) = Aᵀ), likewise B. When {@code beta == 0}, C is not
     * read. Any of m, n, k may be 0 (k == 0 gives {@code C = beta·C}).
     */
    public final void gemm(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        KernelArgs.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        runGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * The width in bits of the vectors this GEMM's own kernels compute with (128, 256 or 512), or 0 when it has no
     * vector kernels of its own (scalar loops, a native library, a router such as {@code AutoGemm}). Policies that
     * depend on which kernels would run read it ({@code auto.GemmRule}).
     */
    public int vectorBits() { return 0; }

    /**
     * Whether this GEMM gives the same bits for a product whichever of its operands are stored transposed: each
     * element computed as one chain over p ascending, whatever the layout (so that A·Bᵀ and A·(Bᵀ stored as such)
     * agree bitwise). True for the Java GEMMs; false by default, and for a native library, whose kernels differ by
     * layout. {@link org.vectorgrad.nn.Layer#freezeForInference} reads it.
     */
    public boolean layoutInvariant() { return false; }

    /**
     * Whether this GEMM would run this product, as things stand now, on a path that skips the multiply-adds of
     * op(A)'s zeros ({@code vector.gemm.SparseRows}: a ReLU network's activations and masked gradients), and so does
     * a fraction of the work of any dense GEMM. A router ({@code auto.AutoGemm}) reads it to keep such products off
     * a dense native GEMM. A pure function of the shape, this GEMM's thread count and a sample of op(A); false by
     * default. Arguments are not checked: call it with those {@link #gemm} would accept.
     */
    public boolean skipsZerosOf(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda) {
        return false;
    }

    /** {@link #gemm} with its arguments already checked. */
    protected abstract void runGemm(boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc);
}
