package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM for small products, without the packing of the blocked path: op(A) is read in place (its elements are
 * broadcast one at a time, so its layout does not matter) and so is op(B) when it is not transposed (its rows are
 * contiguous); a transposed op(B) is first copied into row order in a caller's buffer. Four rows of C times one
 * vector of columns are accumulated in registers; columns past the last whole vector are scalar.
 *
 * <p>Same bits as {@link BlockedGemm}: it is only used when {@code k} fits one KC block, where the blocked path
 * also computes each element as one FMA chain over p ascending from zero and then stores
 * {@code alpha·acc} (beta 0, C not read) or {@code fma(acc, alpha, beta·C)}. Every element here does exactly
 * that, vector lanes and scalar columns alike ({@code SmallGemmTest} checks the two paths bitwise).
 * Stateless; thread-safe as long as callers do not share {@code bufB}.
 */
final class SmallGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SmallGemm() {}

    /** Scalar-column work (m·(n mod lanes)·k) above which the small path is not used: scalar FMAs are slow. */
    static final long MAX_SCALAR_WORK = 1 << 12;

    /**
     * The rule (docs/decisions.md §2a): k within one KC block (same bits as the packed path), m·n·k at most
     * {@code maxWork}, and at most {@link #MAX_SCALAR_WORK} of it in the scalar columns past the last whole vector.
     */
    static boolean applies(int m, int n, int k, int kc, long maxWork) {
        return k <= kc && (long) m * n * k <= maxWork && (long) m * (n % L) * k <= MAX_SCALAR_WORK;
    }

    /** Floats of {@code bufB} that {@link #gemm} needs (0 unless op(B) is transposed). */
    static int bufferSize(boolean transB, int n, int k) {
        return transB ? n * k : 0;
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] bufB) {
        float[] bb = b;
        int bo = bOff, lb = ldb;
        if (transB) {
            // op(B)[p, j] = b[bOff + j·ldb + p]: copy into row order (p rows of n), walking the source rows.
            for (int j = 0; j < n; j++) {
                int src = bOff + j * ldb;
                for (int p = 0; p < k; p++) bufB[p * n + j] = b[src + p];
            }
            bb = bufB;
            bo = 0;
            lb = n;
        }
        // op(A)[i, p] = a[aOff + i·si + p·sp]
        int si = transA ? 1 : lda, sp = transA ? lda : 1;
        int jv = n / L * L;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * si;
            for (int j = 0; j < jv; j += L) rows4(k, alpha, beta, a, a0, si, sp, bb, bo + j, lb, c, cOff + i * ldc + j, ldc);
            for (int r = 0; r < 4; r++) scalarColumns(jv, n, k, alpha, beta, a, a0 + r * si, sp, bb, bo, lb, c, cOff + (i + r) * ldc);
        }
        for (; i < m; i++) {
            int ai = aOff + i * si;
            for (int j = 0; j < jv; j += L) row1(k, alpha, beta, a, ai, sp, bb, bo + j, lb, c, cOff + i * ldc + j);
            scalarColumns(jv, n, k, alpha, beta, a, ai, sp, bb, bo, lb, c, cOff + i * ldc);
        }
    }

    private static void rows4(int k, float alpha, float beta, float[] a, int a0, int si, int sp, float[] b, int b0, int ldb,
                              float[] c, int c0, int ldc) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S), acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
        int a1 = a0 + si, a2 = a1 + si, a3 = a2 + si;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, b0 + p * ldb);
            int ap = p * sp;
            acc0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, acc0);
            acc1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, acc1);
            acc2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, acc2);
            acc3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, acc3);
        }
        store(acc0, alpha, beta, c, c0);
        store(acc1, alpha, beta, c, c0 + ldc);
        store(acc2, alpha, beta, c, c0 + 2 * ldc);
        store(acc3, alpha, beta, c, c0 + 3 * ldc);
    }

    private static void row1(int k, float alpha, float beta, float[] a, int a0, int sp, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < k; p++) acc = FloatVector.broadcast(S, a[a0 + p * sp]).fma(FloatVector.fromArray(S, b, b0 + p * ldb), acc);
        store(acc, alpha, beta, c, c0);
    }

    /** The micro-kernels' store formulas ({@link MicroKernel#storeFull}). */
    private static void store(FloatVector acc, float alpha, float beta, float[] c, int c0) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) acc.mul(va).intoArray(c, c0);
        else acc.fma(va, FloatVector.fromArray(S, c, c0).mul(FloatVector.broadcast(S, beta))).intoArray(c, c0);
    }

    /** Columns [j0, n) of one row: the scalar twin of a lane (one {@code Math.fma} per p, then the same store). */
    private static void scalarColumns(int j0, int n, int k, float alpha, float beta, float[] a, int ai, int sp, float[] b, int bo, int ldb,
                                      float[] c, int ci) {
        for (int j = j0; j < n; j++) {
            float acc = 0f;
            for (int p = 0; p < k; p++) acc = Math.fma(a[ai + p * sp], b[bo + p * ldb + j], acc);
            c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
        }
    }
}
