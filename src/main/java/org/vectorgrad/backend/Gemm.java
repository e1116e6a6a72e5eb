package org.vectorgrad.backend;

/**
 * The matrix-multiply family: one operation, row-major operands as array + offset + leading dimension. Every
 * {@link Backend} is one; the vector backend's blocked GEMM and the OpenBLAS GEMM are the implementations, and the
 * convolution kernels are built on whichever of them the backend chose (see {@code vector.conv.VectorConvolution}).
 *
 * <p>Implementations check their arguments (dimensions, leading dimensions, extents) before touching memory and
 * throw {@link IllegalArgumentException} naming the operand; they are deterministic for a given thread count.
 */
@FunctionalInterface
public interface Gemm {
    /**
     * General matrix multiply, row-major: {@code C = alpha·op(A)·op(B) + beta·C}, op(A) is m×k, op(B) is k×n,
     * C is m×n. {@code transA} means A is stored k×m (op(A) = Aᵀ), likewise B. When {@code beta == 0}, C is not
     * read. Any of m, n, k may be 0 (k == 0 gives {@code C = beta·C}).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);
}
