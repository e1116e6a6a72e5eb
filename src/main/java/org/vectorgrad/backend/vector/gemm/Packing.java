package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into micro-panel order, zero-padded to whole panels. The transpose cases live
 * here and nowhere else: after packing, the micro-kernel reads both operands contiguously whatever their layout.
 */
final class Packing {
    private static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512, S256 = FloatVector.SPECIES_256, S128 = FloatVector.SPECIES_128;
    private static final Class<? extends VectorMask<Float>> S256M = S256.maskType();
    private static final Class<? extends VectorMask<Float>> S512M = S512.maskType();
    private static final Class<? extends Vector<Float>> S128T = S128.vectorType();
    private static final Class<? extends Vector<Float>> S256T = S256.vectorType();
    private static final Class<? extends Vector<Float>> S512T = S512.vectorType();
    /**
     * 8 x 8 register transposes for the first 8 rows of a partial 12-row op(A) panel at 512 bits (M = 128 = 10 x 12 +
     * 8: every MLP product), where the 16-lane transposes would read rows past the matrix.
     */
    private static final Transposer EIGHT_ROWS = new Transpose256();

    private Packing() {}

    /** {@code rows} rows of two 512-bit vectors from {@code src} (row stride {@code ld}) to consecutive rows at {@code dst[d]}. */
    private static void copyRows512(float[] src, int at, int ld, float[] dst, int d, int rows) {
        // one method per species: a species passed as an argument is not a constant to C2 (the moves were boxed)
        for (int p = 0; p < rows; p++) {
            (FloatVector.fromArray(S512, src, at + p * ld)).intoArray(dst, d + p * 32);
            (FloatVector.fromArray(S512, src, at + p * ld + 16)).intoArray(dst, d + p * 32 + 16);
        }
    }

    /** {@link #copyRows512} for one 256-bit vector per row (the 256-bit 12 x 8 tile, kept for measurements). */
    private static void copyRows256x1(float[] src, int at, int ld, float[] dst, int d, int rows) {
        for (int p = 0; p < rows; p++) (FloatVector.fromArray(S256, src, at + p * ld)).intoArray(dst, d + p * 8);
    }

    /**
     * {@link #copyRows256} for the first {@code valid} (< 16) columns, the rest of each 16-float row as zeros: masked
     * loads read only the valid columns (the row may end the array).
     */
    private static void copyRowsPartial256(float[] src, int at, int ld, float[] dst, int d, int rows, int valid) {
        VectorMask<Float> m0 = (VectorMask<Float>) S256M.cast(S256.indexInRange(0, valid)), m1 = (VectorMask<Float>) S256M.cast(S256.indexInRange(8, valid));
        for (int p = 0; p < rows; p++) {
            (FloatVector.fromArray(S256, src, at + p * ld, m0)).intoArray(dst, d + p * 16);
            (FloatVector.fromArray(S256, src, at + p * ld + 8, m1)).intoArray(dst, d + p * 16 + 8);
        }
    }

    /** {@link #copyRowsPartial256} for 32-float rows of 512-bit vectors. */
    private static void copyRowsPartial512(float[] src, int at, int ld, float[] dst, int d, int rows, int valid) {
        VectorMask<Float> m0 = (VectorMask<Float>) S512M.cast(S512.indexInRange(0, valid)), m1 = (VectorMask<Float>) S512M.cast(S512.indexInRange(16, valid));
        for (int p = 0; p < rows; p++) {
            (FloatVector.fromArray(S512, src, at + p * ld, m0)).intoArray(dst, d + p * 32);
            (FloatVector.fromArray(S512, src, at + p * ld + 16, m1)).intoArray(dst, d + p * 32 + 16);
        }
    }

    /** {@link #copyRows512} for two 256-bit vectors. */
    private static void copyRows256(float[] src, int at, int ld, float[] dst, int d, int rows) {
        for (int p = 0; p < rows; p++) {
            (FloatVector.fromArray(S256, src, at + p * ld)).intoArray(dst, d + p * 16);
            (FloatVector.fromArray(S256, src, at + p * ld + 8)).intoArray(dst, d + p * 16 + 8);
        }
    }

    /**
     * Packs op(A)[i0 : i0+rows, p0 : p0+kc] as ceil(rows/mr) micro-panels of kc steps × mr values (row index
     * fastest), rows past the end as zeros. op(A)[i, p] is {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]}
     * when {@code trans}.
     */
    static void packA(boolean trans, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, int mr,
                      float[] dst, int dstOff, Transposer tr) {
        for (int ir = 0; ir < rows; ir += mr) {
            int valid = Math.min(mr, rows - ir);
            int base = dstOff + ir * kc;
            if (trans && valid == mr && mr == 12 && tr != null) {
                // A stored k x m: the mr values of one step p are contiguous in the source. One 16-lane move per
                // step (two 8-lane moves at 256 bits, where 512-bit vectors are not intrinsics; an arraycopy call
                // per 12 floats cost more than the copy); the 4 spare lanes land in the next step's row, written
                // next, and past the last row in the buffer's slack (Transposer.SLACK).
                int p = 0, src = aOff + p0 * lda + i0 + ir;
                if (tr.lanes == 16) {
                    for (; p < kc && src + p * lda + 16 <= a.length; p++) {
                        (FloatVector.fromArray(S512, a, src + p * lda)).intoArray(dst, base + p * mr);
                    }
                } else if (tr.lanes == 8) {
                    for (; p < kc && src + p * lda + 16 <= a.length; p++) {
                        (FloatVector.fromArray(S256, a, src + p * lda)).intoArray(dst, base + p * mr);
                        (FloatVector.fromArray(S256, a, src + p * lda + 8)).intoArray(dst, base + p * mr + 8);
                    }
                }
                for (; p < kc; p++) System.arraycopy(a, src + p * lda, dst, base + p * mr, mr);
            } else if (trans && valid == mr && tr != null && tr.lanes == 8 && mr < 8) {
                // the 256-bit 5 x 16 tile: one 8-lane move per step, its spare lanes landing in the next step's row
                // (written next) and past the last one in the buffer's slack, as for the 12-row tile above
                int p = 0, src = aOff + p0 * lda + i0 + ir;
                for (; p < kc && src + p * lda + 8 <= a.length; p++) {
                    (FloatVector.fromArray(S256, a, src + p * lda)).intoArray(dst, base + p * mr);
                }
                for (; p < kc; p++) System.arraycopy(a, src + p * lda, dst, base + p * mr, mr);
            } else if (trans && valid == mr && mr == 4) {
                int src = aOff + p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++) (FloatVector.fromArray(S128, a, src + p * lda)).intoArray(dst, base + p * mr);
            } else if (trans) {
                // A stored k x m: the mr values of one step p are contiguous in the source.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir, d = base + p * mr;
                    System.arraycopy(a, src, dst, d, valid);
                    for (int r = valid; r < mr; r++) dst[d + r] = 0f;
                }
            } else {
                // A stored m x k: walk p outside so the writes are sequential and the mr source rows stream.
                int src = aOff + (i0 + ir) * lda + p0;
                int p = 0;
                // Register transposes spill zeros past each row; ir ascends, so the next panel overwrites them.
                if (tr != null && valid == mr && mr < tr.lanes && tr.hasRows(mr)) {
                    // the panel as one run of blocks along p: the transposes' constants are set up once
                    int blocks = kc / tr.lanes;
                    tr.rowsRun(mr, a, src, lda, dst, base, mr, blocks);
                    p = blocks * tr.lanes;
                    if (p < kc && blocks > 0) {
                        // the last kc % lanes steps as one more block ending at kc, overlapping the previous one: its
                        // rows are rewritten in ascending order with the same values (each row's spill lands in the
                        // next row before that is rewritten), and the last row spills where a full run's would
                        tr.rowsRun(mr, a, src + kc - tr.lanes, lda, dst, base + (kc - tr.lanes) * mr, mr, 1);
                        p = kc;
                    }
                } else if (tr != null && valid == mr && mr == tr.lanes + tr.mr) {
                    // 12 rows of 8-lane transposes (256 bits), each part as one run of blocks along p, so the
                    // transposes' constants and index checks are set up once per panel (decisions §2k): rows 8..11 of
                    // every step first, whose spare zero lanes spill into the next step's row, then rows 0..7, which
                    // overwrite those spills.
                    int blocks = kc / tr.lanes;
                    tr.mrRowsRun(a, src + tr.lanes * lda, lda, dst, base + tr.lanes, mr, blocks);
                    tr.fullRun(a, src, lda, dst, base, mr, blocks);
                    p = blocks * tr.lanes;
                } else if (tr != null && tr.lanes == 16 && valid >= 8 && valid < mr && kc >= 8) {
                    // a partial panel of 8..11 rows at 512 bits: rows 0..7 of every step in whole 8-step blocks (8
                    // floats per destination row, no spill), the rest of each step below; it was copied element by
                    // element, 8 strided reads per step, ~1 ns each (6,272 per 128x512x784 NT product)
                    int blocks = kc / 8;
                    EIGHT_ROWS.fullRun(a, src, lda, dst, base, mr, blocks);
                    for (int q = 0; q < blocks * 8; q++) {
                        int d = base + q * mr;
                        for (int r = 8; r < valid; r++) dst[d + r] = a[src + r * lda + q];
                        for (int r = valid; r < mr; r++) dst[d + r] = 0f;
                    }
                    p = blocks * 8;
                }
                for (; p < kc; p++) {
                    int d = base + p * mr;
                    for (int r = 0; r < valid; r++) dst[d + r] = a[src + r * lda + p];
                    for (int r = valid; r < mr; r++) dst[d + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(B)[p0 : p0+kc, j0 + panel·nr ...] for micro-panels {@code [panelFrom, panelTo)} of the column block
     * starting at {@code j0} with {@code cols} columns: each micro-panel is kc steps × nr values (column fastest),
     * columns past the end as zeros. op(B)[p, j] is {@code b[bOff + p·ldb + j]}, or {@code b[bOff + j·ldb + p]}
     * when {@code trans}. Panel q lands at {@code dst[q·kc·nr]}.
     */
    static void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols, int nr,
                      int panelFrom, int panelTo, float[] dst, Transposer tr) {
        packB(trans, b, bOff, ldb, p0, kc, j0, cols, nr, panelFrom, panelTo, dst, 0, tr);
    }

    /** {@link #packB(boolean, float[], int, int, int, int, int, int, int, int, int, float[], Transposer)} with panel q at {@code dst[dstShift + q·kc·nr]}. */
    static void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols, int nr,
                      int panelFrom, int panelTo, float[] dst, int dstShift, Transposer tr) {
        for (int q = panelFrom; q < panelTo; q++) {
            int jr = q * nr;
            int valid = Math.min(nr, cols - jr);
            int base = dstShift + q * kc * nr;
            if (trans) {
                // B stored n x k: walk p outside so the writes are sequential; the nr source rows stream in
                // parallel (a j-outer walk would write with a stride of nr floats, touching the whole panel nr times).
                int src = bOff + (j0 + jr) * ldb + p0;
                int p = 0;
                if (tr != null && valid == nr && nr == tr.lanes) {
                    // one vector of columns (the 256-bit 12 x 8 tile, kept for measurements): the whole panel as
                    // one run of blocks along p (decisions §2k)
                    int blocks = kc / nr;
                    tr.fullRun(b, src, ldb, dst, base, nr, blocks);
                    p = blocks * nr;
                } else if (tr != null && valid == nr && nr % tr.lanes == 0) {
                    // several vectors of columns (512 bits): block by block, so each destination row is written whole
                    // before the next (runs per column group would write every row twice, half at a time)
                    int blocks = kc / tr.lanes;
                    tr.panelRun(b, src, ldb, dst, base, nr, blocks);
                    p = blocks * tr.lanes;
                    if (p < kc && blocks > 0) {
                        // the last kc % lanes steps as one more block ending at kc, overlapping the previous one (its
                        // rows are written again with the same values): a scalar tail of 8 steps x 32 strided reads
                        // per panel was 1.2 % of 128x512x784 NT, whose KC blocks are 392 deep
                        tr.panelRun(b, src + kc - tr.lanes, ldb, dst, base + (kc - tr.lanes) * nr, nr, 1);
                        p = kc;
                    }
                }
                for (; p < kc; p++) {
                    int d = base + p * nr;
                    for (int j = 0; j < valid; j++) dst[d + j] = b[src + j * ldb + p];
                    for (int j = valid; j < nr; j++) dst[d + j] = 0f;
                }
            } else if (valid == nr && nr == 32) {
                // two vector moves per row: a System.arraycopy call per row of NR floats cost about as much as
                // the copy itself (and a plain loop of NR, not vectorized by C2, twice as much)
                copyRows512(b, bOff + p0 * ldb + j0 + jr, ldb, dst, base, kc);
            } else if (valid == nr && nr == 16) {
                copyRows256(b, bOff + p0 * ldb + j0 + jr, ldb, dst, base, kc);
            } else if (valid == nr && nr == 8 && tr != null && tr.lanes == 8) {
                copyRows256x1(b, bOff + p0 * ldb + j0 + jr, ldb, dst, base, kc);
            } else if (nr == 16 && tr != null && tr.lanes == 8) {
                // the last, partial panel at 256 bits: two masked 8-lane moves per row, the padding columns as zeros
                copyRowsPartial256(b, bOff + p0 * ldb + j0 + jr, ldb, dst, base, kc, valid);
            } else if (nr == 32 && tr != null && tr.lanes == 16) {
                copyRowsPartial512(b, bOff + p0 * ldb + j0 + jr, ldb, dst, base, kc, valid);
            } else {
                // the last, partial panel of the other tiles (128 bits, the 256-bit 12 x 8 tile): plain loops (a
                // System.arraycopy and an Arrays.fill call per row of a few floats cost ~25 ns a row, 0.8 of the 1.0 µs
                // that packing op(B) of 64x196x32 took at 256 bits)
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr, src = bOff + (p0 + p) * ldb + j0 + jr;
                    for (int j = 0; j < valid; j++) dst[d + j] = b[src + j];
                    for (int j = valid; j < nr; j++) dst[d + j] = 0f;
                }
            }
        }
    }
}
