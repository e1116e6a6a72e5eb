package org.vectorgrad.backend.vector.gemm;

/**
 * The kernels of {@link SparseRows}, one class per vector width that has them (generated: {@link SparseRows256} and
 * {@link SparseRows512}, the latter for CPUs that run 512-bit operations as two halves, {@link SparseRows#kernelBits},
 * docs/decisions.md §2br, §2bx). Kernels hold no policy: which products take them, and how C is cut into their calls, is
 * {@link SparseRows}'s. Stateless; safe to share.
 *
 * <p>op(A)'s rows are lists of their nonzeros: row i's are pairs e from {@code rowStart[i]} to
 * {@code rowStart[i+1] - 1}, column p ascending and value {@code val[e]}; {@code idx[e]} holds {@code p·ldd}, the offset
 * of op(B)'s row p, which is row-major at {@code d[dOff + p·ldd]}. Offsets, not columns: the kernel's loop adds where
 * it would multiply, one register and one load fewer per nonzero.
 */
abstract class SparseRowsKernel {
    /** Floats per vector. */
    final int lanes;
    /** The most vectors of C's columns one {@link #accumulate} call takes. */
    final int maxVectors;

    SparseRowsKernel(int lanes, int maxVectors) {
        this.lanes = lanes;
        this.maxVectors = maxVectors;
    }

    /** The kernels for a vector width, or null where there are none (128 and 512 bits). */
    static SparseRowsKernel create(int bits) {
        return switch (bits) { case 256 -> new SparseRows256(); case 512 -> new SparseRows512(); default -> null; };
    }

    /**
     * {@code vectors·lanes} accumulators, zero when {@code first} and otherwise read from {@code t[tOff..]}, each
     * advanced by {@code acc = fma(d[dOff + idx[e] + j], val[e], acc)} for e from e0 to e1 - 1 in order, then
     * written to {@code t[tOff..]}.
     */
    abstract void accumulate(int vectors, boolean first, int e0, int e1, int[] idx, float[] val, float[] d, int dOff, float[] t, int tOff);

    /**
     * The lists of the m x k row-major block at {@code aOff} (rows lda apart): every element not ±0 (NaN included),
     * row by row, column p ascending, stored as {@code p·ldd} and its value; {@code rowStart} gets m + 1 entries,
     * {@code idx} and {@code val} room for every nonzero and {@link #lanes} more (slots past the last nonzero may be
     * written). {@code (k - 1)·ldd} must fit in an int. Returns how many there are.
     */
    abstract int lists(float[] a, int aOff, int lda, int m, int k, int ldd, int[] rowStart, int[] idx, float[] val);

    /**
     * One row of C from its accumulators, {@code width} floats (whole vectors): {@code alpha·acc} when
     * {@code scaleOnly}, else {@code fma(acc, alpha, beta·C)}, the packed path's store formulas.
     */
    abstract void store(int width, boolean scaleOnly, float alpha, float beta, float[] t, int tOff, float[] c, int cOff);
}
