package org.vectorgrad.backend.vector.gemm;

/**
 * One row of C times op(B) as it lies at the GEMM's vector width: the generated {@code OneRow512/256/128} kernels
 * (docs/decisions.md §2bd). Stateless.
 */
final class OneRow {
    private OneRow() {}

    /**
     * C's row (n floats at cOff) = alpha·op(A)'s row·op(B) + beta·C's row, op(A)'s k floats {@code inc} apart from aOff
     * (1 for A as it lies, lda for A transposed), op(B) k x n with rows ldb apart, K cut into {@code blocks} blocks as
     * the packed path cuts it; {@code acc} holds at least n floats.
     */
    static void gemm(int bits, int n, int k, int blocks, float alpha, float[] a, int aOff, int inc, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, float[] acc) {
        switch (bits) {
            case 512 -> OneRow512.gemm(n, k, blocks, alpha, a, aOff, inc, b, bOff, ldb, beta, c, cOff, acc);
            case 256 -> OneRow256.gemm(n, k, blocks, alpha, a, aOff, inc, b, bOff, ldb, beta, c, cOff, acc);
            case 128 -> OneRow128.gemm(n, k, blocks, alpha, a, aOff, inc, b, bOff, ldb, beta, c, cOff, acc);
            default -> throw new IllegalArgumentException("no one-row kernel for " + bits + "-bit vectors");
        }
    }
}
