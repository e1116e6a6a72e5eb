package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = alpha·A·Bᵀ + beta·C} for one or two rows of A at 512 bits (a served request of one sample through a
 * dense layer, {@code y = W·x}), without packing B: each 16 x 16 block of B (16 rows, 16 consecutive k) is
 * transposed in registers (the 64 two-source permutes of {@link Transpose512}) and its 16 columns feed the FMAs at
 * once, so B is read once and nothing is written but C. The packed path transposes all of B into panels in memory
 * and then runs a 4-row tile for the one or two rows (docs/decisions.md §2av).
 *
 * <p>Same bits as the packed path: lane r of a row's accumulator is C's column r of the block, one FMA chain over p
 * ascending from zero within each of the packed path's K blocks ({@link BlockedGemm#kBlocks}), stored after each
 * block with its formulas ({@code alpha·acc} with beta 0, else {@code fma(acc, alpha, beta·C)}, beta 1 after the
 * first block). The last columns of C, fewer than 16, are computed on a zero-padded copy of B's last rows, and the
 * last k of a block, fewer than 16, one column at a time. Stateless; the caller supplies the scratch.
 */
final class FewRowsTransposed {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final int LANES = 16;
    /** Lanes 0..7 of two rows interleaved (ZLO) and lanes 8..15 (ZHI), as {@link Transpose512}. */
    private static final int[] ZLO = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}, ZHI = {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};

    private FewRowsTransposed() {}

    /** Floats of scratch {@link #gemm} needs: B's last rows zero-padded to 16 (k each), a column, a row of C. */
    static int scratchSize(int n, int k) {
        return (n % LANES == 0 ? 0 : LANES * k) + 2 * LANES;
    }

    /**
     * C (m x n, m = 1 or 2) = alpha·A·Bᵀ + beta·C with A m x k (rows lda apart) and B n x k (rows ldb apart), K cut
     * into {@code blocks} blocks as the packed path cuts it.
     */
    static void gemm(int m, int n, int k, int blocks, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, float[] scratch) {
        int col = n % LANES == 0 ? 0 : LANES * k, row = col + LANES;
        int a1 = m > 1 ? aOff + lda : aOff; // a second row, or the first again (its results are not stored)
        for (int j0 = 0; j0 < n; j0 += LANES) {
            int valid = Math.min(LANES, n - j0);
            float[] bb = b;
            int bo = bOff + j0 * ldb, lb = ldb;
            if (valid < LANES) { // B's last rows, zero-padded to 16
                for (int r = 0; r < LANES; r++) {
                    if (r < valid) System.arraycopy(b, bOff + (j0 + r) * ldb, scratch, r * k, k);
                    else java.util.Arrays.fill(scratch, r * k, (r + 1) * k, 0f);
                }
                bb = scratch; bo = 0; lb = k;
            }
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = (int) ((long) k * kb / blocks), p1 = (int) ((long) k * (kb + 1) / blocks);
                block(m, p0, p1, a, aOff, a1, bb, bo, lb, alpha, kb == 0 ? beta : 1f, c, cOff + j0, ldc, valid, scratch, col, row);
            }
        }
    }

    /** The rows' accumulators over k in [p0, p1) for one block of 16 rows of B, stored into C's 16 columns at cAt. */
    private static void block(int m, int p0, int p1, float[] a, int a0, int a1, float[] b, int bo, int ldb, float alpha, float beta,
                              float[] c, int cAt, int ldc, int valid, float[] scratch, int col, int row) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        IntVector zlo = IntVector.fromArray(I, ZLO, 0), zhi = IntVector.fromArray(I, ZHI, 0);
        int p = p0;
        for (; p + LANES <= p1; p += LANES) {
            int so = bo + p;
            IntVector r0 = FloatVector.fromArray(S, b, so).reinterpretAsInts();
            IntVector r1 = FloatVector.fromArray(S, b, so + ldb).reinterpretAsInts();
            IntVector r2 = FloatVector.fromArray(S, b, so + 2 * ldb).reinterpretAsInts();
            IntVector r3 = FloatVector.fromArray(S, b, so + 3 * ldb).reinterpretAsInts();
            IntVector r4 = FloatVector.fromArray(S, b, so + 4 * ldb).reinterpretAsInts();
            IntVector r5 = FloatVector.fromArray(S, b, so + 5 * ldb).reinterpretAsInts();
            IntVector r6 = FloatVector.fromArray(S, b, so + 6 * ldb).reinterpretAsInts();
            IntVector r7 = FloatVector.fromArray(S, b, so + 7 * ldb).reinterpretAsInts();
            IntVector r8 = FloatVector.fromArray(S, b, so + 8 * ldb).reinterpretAsInts();
            IntVector r9 = FloatVector.fromArray(S, b, so + 9 * ldb).reinterpretAsInts();
            IntVector r10 = FloatVector.fromArray(S, b, so + 10 * ldb).reinterpretAsInts();
            IntVector r11 = FloatVector.fromArray(S, b, so + 11 * ldb).reinterpretAsInts();
            IntVector r12 = FloatVector.fromArray(S, b, so + 12 * ldb).reinterpretAsInts();
            IntVector r13 = FloatVector.fromArray(S, b, so + 13 * ldb).reinterpretAsInts();
            IntVector r14 = FloatVector.fromArray(S, b, so + 14 * ldb).reinterpretAsInts();
            IntVector r15 = FloatVector.fromArray(S, b, so + 15 * ldb).reinterpretAsInts();
            IntVector t0 = zlo.selectFrom(r0, r8), t1 = zhi.selectFrom(r0, r8);
            IntVector t2 = zlo.selectFrom(r1, r9), t3 = zhi.selectFrom(r1, r9);
            IntVector t4 = zlo.selectFrom(r2, r10), t5 = zhi.selectFrom(r2, r10);
            IntVector t6 = zlo.selectFrom(r3, r11), t7 = zhi.selectFrom(r3, r11);
            IntVector t8 = zlo.selectFrom(r4, r12), t9 = zhi.selectFrom(r4, r12);
            IntVector t10 = zlo.selectFrom(r5, r13), t11 = zhi.selectFrom(r5, r13);
            IntVector t12 = zlo.selectFrom(r6, r14), t13 = zhi.selectFrom(r6, r14);
            IntVector t14 = zlo.selectFrom(r7, r15), t15 = zhi.selectFrom(r7, r15);
            IntVector t16 = zlo.selectFrom(t0, t8), t17 = zhi.selectFrom(t0, t8);
            IntVector t18 = zlo.selectFrom(t1, t9), t19 = zhi.selectFrom(t1, t9);
            IntVector t20 = zlo.selectFrom(t2, t10), t21 = zhi.selectFrom(t2, t10);
            IntVector t22 = zlo.selectFrom(t3, t11), t23 = zhi.selectFrom(t3, t11);
            IntVector t24 = zlo.selectFrom(t4, t12), t25 = zhi.selectFrom(t4, t12);
            IntVector t26 = zlo.selectFrom(t5, t13), t27 = zhi.selectFrom(t5, t13);
            IntVector t28 = zlo.selectFrom(t6, t14), t29 = zhi.selectFrom(t6, t14);
            IntVector t30 = zlo.selectFrom(t7, t15), t31 = zhi.selectFrom(t7, t15);
            IntVector t32 = zlo.selectFrom(t16, t24), t33 = zhi.selectFrom(t16, t24);
            IntVector t34 = zlo.selectFrom(t17, t25), t35 = zhi.selectFrom(t17, t25);
            IntVector t36 = zlo.selectFrom(t18, t26), t37 = zhi.selectFrom(t18, t26);
            IntVector t38 = zlo.selectFrom(t19, t27), t39 = zhi.selectFrom(t19, t27);
            IntVector t40 = zlo.selectFrom(t20, t28), t41 = zhi.selectFrom(t20, t28);
            IntVector t42 = zlo.selectFrom(t21, t29), t43 = zhi.selectFrom(t21, t29);
            IntVector t44 = zlo.selectFrom(t22, t30), t45 = zhi.selectFrom(t22, t30);
            IntVector t46 = zlo.selectFrom(t23, t31), t47 = zhi.selectFrom(t23, t31);
            // column q of the block (B's 16 rows at k = p + q) is t(48 + q), as Transpose512 stores them
            FloatVector q0 = zlo.selectFrom(t32, t40).reinterpretAsFloats(), q1 = zhi.selectFrom(t32, t40).reinterpretAsFloats();
            FloatVector q2 = zlo.selectFrom(t33, t41).reinterpretAsFloats(), q3 = zhi.selectFrom(t33, t41).reinterpretAsFloats();
            FloatVector q4 = zlo.selectFrom(t34, t42).reinterpretAsFloats(), q5 = zhi.selectFrom(t34, t42).reinterpretAsFloats();
            FloatVector q6 = zlo.selectFrom(t35, t43).reinterpretAsFloats(), q7 = zhi.selectFrom(t35, t43).reinterpretAsFloats();
            FloatVector q8 = zlo.selectFrom(t36, t44).reinterpretAsFloats(), q9 = zhi.selectFrom(t36, t44).reinterpretAsFloats();
            FloatVector q10 = zlo.selectFrom(t37, t45).reinterpretAsFloats(), q11 = zhi.selectFrom(t37, t45).reinterpretAsFloats();
            FloatVector q12 = zlo.selectFrom(t38, t46).reinterpretAsFloats(), q13 = zhi.selectFrom(t38, t46).reinterpretAsFloats();
            FloatVector q14 = zlo.selectFrom(t39, t47).reinterpretAsFloats(), q15 = zhi.selectFrom(t39, t47).reinterpretAsFloats();
            acc0 = q0.fma(FloatVector.broadcast(S, a[a0 + p]), acc0); acc1 = q0.fma(FloatVector.broadcast(S, a[a1 + p]), acc1);
            acc0 = q1.fma(FloatVector.broadcast(S, a[a0 + p + 1]), acc0); acc1 = q1.fma(FloatVector.broadcast(S, a[a1 + p + 1]), acc1);
            acc0 = q2.fma(FloatVector.broadcast(S, a[a0 + p + 2]), acc0); acc1 = q2.fma(FloatVector.broadcast(S, a[a1 + p + 2]), acc1);
            acc0 = q3.fma(FloatVector.broadcast(S, a[a0 + p + 3]), acc0); acc1 = q3.fma(FloatVector.broadcast(S, a[a1 + p + 3]), acc1);
            acc0 = q4.fma(FloatVector.broadcast(S, a[a0 + p + 4]), acc0); acc1 = q4.fma(FloatVector.broadcast(S, a[a1 + p + 4]), acc1);
            acc0 = q5.fma(FloatVector.broadcast(S, a[a0 + p + 5]), acc0); acc1 = q5.fma(FloatVector.broadcast(S, a[a1 + p + 5]), acc1);
            acc0 = q6.fma(FloatVector.broadcast(S, a[a0 + p + 6]), acc0); acc1 = q6.fma(FloatVector.broadcast(S, a[a1 + p + 6]), acc1);
            acc0 = q7.fma(FloatVector.broadcast(S, a[a0 + p + 7]), acc0); acc1 = q7.fma(FloatVector.broadcast(S, a[a1 + p + 7]), acc1);
            acc0 = q8.fma(FloatVector.broadcast(S, a[a0 + p + 8]), acc0); acc1 = q8.fma(FloatVector.broadcast(S, a[a1 + p + 8]), acc1);
            acc0 = q9.fma(FloatVector.broadcast(S, a[a0 + p + 9]), acc0); acc1 = q9.fma(FloatVector.broadcast(S, a[a1 + p + 9]), acc1);
            acc0 = q10.fma(FloatVector.broadcast(S, a[a0 + p + 10]), acc0); acc1 = q10.fma(FloatVector.broadcast(S, a[a1 + p + 10]), acc1);
            acc0 = q11.fma(FloatVector.broadcast(S, a[a0 + p + 11]), acc0); acc1 = q11.fma(FloatVector.broadcast(S, a[a1 + p + 11]), acc1);
            acc0 = q12.fma(FloatVector.broadcast(S, a[a0 + p + 12]), acc0); acc1 = q12.fma(FloatVector.broadcast(S, a[a1 + p + 12]), acc1);
            acc0 = q13.fma(FloatVector.broadcast(S, a[a0 + p + 13]), acc0); acc1 = q13.fma(FloatVector.broadcast(S, a[a1 + p + 13]), acc1);
            acc0 = q14.fma(FloatVector.broadcast(S, a[a0 + p + 14]), acc0); acc1 = q14.fma(FloatVector.broadcast(S, a[a1 + p + 14]), acc1);
            acc0 = q15.fma(FloatVector.broadcast(S, a[a0 + p + 15]), acc0); acc1 = q15.fma(FloatVector.broadcast(S, a[a1 + p + 15]), acc1);
        }
        for (; p < p1; p++) { // the block's last k, fewer than 16: one column of B at a time
            for (int r = 0; r < LANES; r++) scratch[col + r] = b[bo + r * ldb + p];
            FloatVector q = FloatVector.fromArray(S, scratch, col);
            acc0 = q.fma(FloatVector.broadcast(S, a[a0 + p]), acc0);
            acc1 = q.fma(FloatVector.broadcast(S, a[a1 + p]), acc1);
        }
        store(acc0, alpha, beta, c, cAt, valid, scratch, row);
        if (m > 1) store(acc1, alpha, beta, c, cAt + ldc, valid, scratch, row);
    }

    /** One row of 16 (or {@code valid}) columns of C with the packed path's store formulas. */
    private static void store(FloatVector acc, float alpha, float beta, float[] c, int at, int valid, float[] scratch, int row) {
        if (valid == LANES) {
            FloatVector v = beta == 0f ? acc.mul(alpha) : acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, at).mul(beta));
            v.intoArray(c, at);
            return;
        }
        acc.intoArray(scratch, row);
        for (int j = 0; j < valid; j++) {
            c[at + j] = beta == 0f ? scratch[row + j] * alpha : Math.fma(scratch[row + j], alpha, c[at + j] * beta);
        }
    }
}
