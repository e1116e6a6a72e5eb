package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each vector micro-kernel against its scalar twin {@link ScalarKernel}, bitwise (the twin does per element exactly
 * the lane's operations; the GEMM itself never runs it: docs/decisions.md §7), and the register transposes against
 * plain loops.
 */
class MicroKernelTest {
    /** {bits, MR} of every kernel, and {bits, MR, 1} for a strip-mined twin ({@link GemmBlocking#kStrips}). */
    private static final int[][] KERNELS = {{512, 12}, {512, 8}, {256, 12}, {256, 6}, {256, 6, 1}, {256, 5}, {256, 4}, {128, 6}, {128, 4}};

    private static MicroKernel kernel(int[] kb) {
        return MicroKernel.create(kb[0], kb[1], kb.length > 2);
    }

    private static String name(int[] kb) {
        return kb[0] + "-bit MR=" + kb[1] + (kb.length > 2 ? " (strips)" : "");
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 4 - 2);
        return x;
    }

    @Test
    void vectorKernelsMatchTheScalarTwinBitwise() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int[] kb : KERNELS) {
            MicroKernel v = kernel(kb);
            MicroKernel s = new ScalarKernel(v.mr, v.nr);
            for (int kc : new int[] {1, 2, 3, 7, 64, 127, 128, 129, 383, 384}) { // 127-129: a strip's end
                float[] a = random(rng, 3 + v.mr * kc), b = random(rng, 5 + v.nr * kc);
                float[] tv = new float[v.mr * v.nr], ts = new float[v.mr * v.nr];
                java.util.Arrays.fill(ts, Float.NaN); // the scalar twin must not depend on the tile's old contents
                v.run(kc, a, 3, b, 5, tv);
                s.run(kc, a, 3, b, 5, ts);
                String what = name(kb) + " kc=" + kc;
                assertArrayEquals(ts, tv, what + " tile");
                int ldc = v.nr + 3;
                float[] c0 = random(rng, v.mr * ldc);
                float[] cv = c0.clone(), cs = c0.clone();
                v.storeFull(tv, -0.5f, cv, 0, ldc);
                s.storeFull(ts, -0.5f, cs, 0, ldc);
                assertArrayEquals(cs, cv, what + " store beta 0");
                v.storeFull(tv, 2f, 0.75f, cv, 0, ldc);
                s.storeFull(ts, 2f, 0.75f, cs, 0, ldc);
                assertArrayEquals(cs, cv, what + " store with beta");
                // run + store in one call (the fused kernels write C from their accumulators): the same bits
                float[] fv = c0.clone(), fs = c0.clone();
                v.runStore(kc, a, 3, b, 5, -0.5f, fv, 1, ldc, new float[v.mr * v.nr]);
                s.runStore(kc, a, 3, b, 5, -0.5f, fs, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(fs, fv, what + " runStore beta 0");
                v.runStore(kc, a, 3, b, 5, 2f, 0.75f, fv, 1, ldc, new float[v.mr * v.nr]);
                s.runStore(kc, a, 3, b, 5, 2f, 0.75f, fs, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(fs, fv, what + " runStore with beta");
                assertEquals(c0[0], fv[0], what + ": runStore wrote before its tile");
                // alpha 1 with beta 0, and with beta 1 (the GEMM's later KC blocks): the 256-bit 6 x 16 tile has its
                // own loops for these (decisions §2v); C holds an infinity and a NaN that must come through
                float[] ov = c0.clone(), os = c0.clone();
                ov[1 + ldc] = os[1 + ldc] = Float.POSITIVE_INFINITY;
                ov[2 + ldc] = os[2 + ldc] = Float.NaN;
                v.runStore(kc, a, 3, b, 5, 1f, ov, 1, ldc, new float[v.mr * v.nr]);
                s.runStore(kc, a, 3, b, 5, 1f, os, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(os, ov, what + " runStore alpha 1, beta 0");
                ov[1 + ldc] = os[1 + ldc] = Float.POSITIVE_INFINITY;
                ov[2 + ldc] = os[2 + ldc] = Float.NaN;
                v.runStore(kc, a, 3, b, 5, 1f, 1f, ov, 1, ldc, new float[v.mr * v.nr]);
                s.runStore(kc, a, 3, b, 5, 1f, 1f, os, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(os, ov, what + " runStore alpha 1, beta 1");
                assertEquals(Float.POSITIVE_INFINITY, ov[1 + ldc], what + ": +inf + finite");
                assertTrue(Float.isNaN(ov[2 + ldc]), what + ": NaN + finite");
                // the first rows only (a short last row panel): the same formulas, and rows below untouched
                int rows = 1 + rng.nextInt(v.mr);
                float[] rv = c0.clone(), rs = c0.clone();
                v.storeRows(tv, -0.5f, rv, 0, ldc, rows);
                s.storeEdge(ts, -0.5f, 0f, rs, 0, ldc, rows, s.nr);
                assertArrayEquals(rs, rv, what + " " + rows + " rows, beta 0");
                v.storeRows(tv, 2f, 0.75f, rv, 0, ldc, rows);
                s.storeEdge(ts, 2f, 0.75f, rs, 0, ldc, rows, s.nr);
                assertArrayEquals(rs, rv, what + " " + rows + " rows with beta");
                for (int i = rows * ldc; i < c0.length; i++) assertEquals(c0[i], rv[i], what + ": row below " + rows + " written");
            }
        }
    }

    @Test
    void theStripMinedTwinIsItsKernelAndGivesItsBits() {
        assertEquals(Kernel256x6s.class, MicroKernel.create(256, 6, true).getClass());
        assertEquals(Kernel256x6.class, MicroKernel.create(256, 6, false).getClass());
        assertEquals(Kernel256x6s.class, MicroKernel.create(GemmBlocking.forCaches(256, 48 << 10, 2 << 20, 32 << 20, false)).getClass());
        assertEquals(Kernel256x6.class, MicroKernel.create(GemmBlocking.forCaches(256, 48 << 10, 2 << 20, 32 << 20, true)).getClass());
        for (int[] kb : new int[][] {{512, 12}, {256, 5}, {256, 12}, {128, 4}}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> MicroKernel.create(kb[0], kb[1], true), name(kb));
        }
        // whole strips, a strip and a step, and deep panels; C holds non-finite values that must come through
        SplittableRandom rng = new SplittableRandom(21);
        MicroKernel plain = MicroKernel.create(256, 6, false), strips = MicroKernel.create(256, 6, true);
        for (int kc : new int[] {128, 129, 256, 511, 768, 1024}) {
            float[] a = random(rng, 1 + 6 * kc), b = random(rng, 2 + 16 * kc);
            a[1 + 6 * (kc - 1)] = Float.NaN; // the last step of row 0
            int ldc = 21;
            float[] c0 = random(rng, 6 * ldc);
            c0[3 + ldc] = Float.NEGATIVE_INFINITY;
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                float[] cp = c0.clone(), cs = c0.clone();
                plain.runStore(kc, a, 1, b, 2, 1f, beta, cp, 0, ldc, new float[96]);
                strips.runStore(kc, a, 1, b, 2, 1f, beta, cs, 0, ldc, new float[96]);
                assertArrayEquals(cp, cs, "kc " + kc + " beta " + beta);
                assertTrue(Float.isNaN(cs[0]), "kc " + kc + ": NaN in A reaches C");
            }
        }
    }

    @Test
    void onlyTheTableKernelsAndThe256Bit12RowOneFuseTheirStore() {
        for (int[] kb : KERNELS) {
            boolean fused = kb[1] == 12 && (kb[0] == 256 || kb[0] == 512) || kb[0] == 256 && (kb[1] == 5 || kb[1] == 6);
            assertEquals(fused, kernel(kb).fusedStore(), name(kb));
        }
    }

    @Test
    void rowSubsetsGiveTheFullKernelsBitsOnTheirRows() {
        subTilesGiveTheFullKernelsBits(11, true);
    }

    @Test
    void columnSubsetsGiveTheFullKernelsBitsOnTheirColumns() {
        subTilesGiveTheFullKernelsBits(12, false);
    }

    /**
     * {@code runRows} ({@code byRows}) or {@code runCols} against {@code run} for every kernel, every row or column
     * count and a few depths: the valid part bit for bit (the rest starts as NaN and is not looked at).
     */
    private static void subTilesGiveTheFullKernelsBits(long seed, boolean byRows) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int[] kb : KERNELS) {
            MicroKernel v = kernel(kb);
            for (int part = 1; part <= (byRows ? v.mr : v.nr); part++) {
                for (int kc : new int[] {1, 5, 64, 129, 384}) {
                    float[] a = random(rng, 2 + v.mr * kc), b = random(rng, 1 + v.nr * kc);
                    float[] full = new float[v.mr * v.nr], got = new float[v.mr * v.nr];
                    java.util.Arrays.fill(got, Float.NaN);
                    v.run(kc, a, 2, b, 1, full);
                    if (byRows) v.runRows(part, kc, a, 2, b, 1, got);
                    else v.runCols(part, kc, a, 2, b, 1, got);
                    int rows = byRows ? part : v.mr, cols = byRows ? v.nr : part;
                    for (int r = 0; r < rows; r++) {
                        assertArrayEquals(java.util.Arrays.copyOfRange(full, r * v.nr, r * v.nr + cols),
                                java.util.Arrays.copyOfRange(got, r * v.nr, r * v.nr + cols),
                                name(kb) + (byRows ? ", rows " : ", cols ") + part + ", kc " + kc + ", row " + r);
                    }
                }
            }
        }
    }

    @Test
    void registerTransposesMatchPlainLoops() {
        SplittableRandom rng = new SplittableRandom(10);
        for (int bits : new int[] {512, 256}) {
            Transposer t = Transposer.create(bits);
            int lanes = t.lanes, ld = lanes + 5, stride = 2 * lanes;
            float[] src = random(rng, 2 + lanes * ld);
            float[] dst = new float[lanes * stride + Transposer.SLACK];
            t.full(src, 2, ld, dst, 0, stride);
            for (int q = 0; q < lanes; q++) {
                for (int r = 0; r < lanes; r++) assertEquals(src[2 + r * ld + q], dst[q * stride + r], bits + " full q=" + q + " r=" + r);
                for (int r = lanes; r < stride; r++) assertEquals(0f, dst[q * stride + r], "untouched beyond the row");
            }
            float[] dst2 = new float[lanes * t.mr + Transposer.SLACK];
            t.mrRows(src, 2, ld, dst2, 0, t.mr);
            for (int q = 0; q < lanes; q++) {
                for (int r = 0; r < t.mr; r++) assertEquals(src[2 + r * ld + q], dst2[q * t.mr + r], bits + " mrRows q=" + q + " r=" + r);
            }
            // runs of blocks along the source rows: block i from column 3 + i·lanes, to rows from i·lanes
            int blocks = 3, wide = blocks * lanes + 7;
            float[] src3 = random(rng, lanes * wide);
            float[] dst3 = new float[blocks * lanes * stride + Transposer.SLACK];
            t.fullRun(src3, 3, wide, dst3, 1, stride, blocks);
            float[] dst4 = new float[blocks * lanes * t.mr + Transposer.SLACK];
            t.mrRowsRun(src3, 3, wide, dst4, 0, t.mr, blocks);
            for (int q = 0; q < blocks * lanes; q++) {
                for (int r = 0; r < lanes; r++) assertEquals(src3[3 + r * wide + q], dst3[1 + q * stride + r], bits + " fullRun q=" + q + " r=" + r);
                for (int r = lanes; r < stride; r++) assertEquals(0f, dst3[1 + q * stride + r], bits + " fullRun: untouched beyond the row");
                for (int r = 0; r < t.mr; r++) assertEquals(src3[3 + r * wide + q], dst4[q * t.mr + r], bits + " mrRowsRun q=" + q + " r=" + r);
            }
            // a transposed op(B) panel two vectors wide: source rows [0, lanes) to columns [0, lanes) of each
            // destination row, rows [lanes, 2·lanes) to columns [lanes, 2·lanes); values moved bit for bit (a NaN
            // payload, -0, infinities)
            float[] src5 = random(rng, 2 * lanes * wide);
            src5[3] = Float.intBitsToFloat(0x7fc12345);
            src5[4 + wide] = -0f;
            src5[5 + (lanes + 1) * wide] = Float.NEGATIVE_INFINITY;
            float[] dst5 = new float[blocks * lanes * stride + Transposer.SLACK];
            t.panelRun(src5, 3, wide, dst5, 2, stride, blocks);
            for (int q = 0; q < blocks * lanes; q++) {
                for (int j = 0; j < stride; j++) {
                    assertEquals(Float.floatToRawIntBits(src5[3 + j * wide + q]), Float.floatToRawIntBits(dst5[2 + q * stride + j]),
                            bits + " panelRun q=" + q + " j=" + j);
                }
            }
            // gridRun: three groups of source rows into destination rows wider than the groups (SmallGemm's whole
            // transposed operand); the columns past the groups stay untouched
            int groups = 3, wideDst = groups * lanes + 5;
            float[] src6 = random(rng, 1 + groups * lanes * wide);
            src6[1 + 2] = Float.intBitsToFloat(0x7fc54321);
            float[] dst6 = new float[4 + blocks * lanes * wideDst];
            java.util.Arrays.fill(dst6, 7f);
            t.gridRun(src6, 1, wide, dst6, 4, wideDst, groups, blocks);
            for (int q = 0; q < blocks * lanes; q++) {
                for (int j = 0; j < groups * lanes; j++) {
                    assertEquals(Float.floatToRawIntBits(src6[1 + j * wide + q]), Float.floatToRawIntBits(dst6[4 + q * wideDst + j]),
                            bits + " gridRun q=" + q + " j=" + j);
                }
                for (int j = groups * lanes; j < wideDst; j++) assertEquals(7f, dst6[4 + q * wideDst + j], bits + " gridRun: untouched past the groups");
            }
        }
    }
}
