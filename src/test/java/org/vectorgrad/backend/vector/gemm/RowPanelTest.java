package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Row panels (docs/decisions.md §2u): an untransposed op(A) copied row by row, {@link MicroKernel#ROW_PANEL_STRIDE}
 * apart, for the kernels that take it. Kernel and GEMM give the bits of the transposed packed panels.
 */
class RowPanelTest {
    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 4 - 2);
        return x;
    }

    @Test
    void rowPanelKernelsGiveThePackedKernelsBits() {
        SplittableRandom rng = new SplittableRandom(3);
        int stride = MicroKernel.ROW_PANEL_STRIDE, checked = 0;
        for (int[] kb : new int[][] {{512, 12}, {256, 5}, {256, 6}, {256, 6, 1}}) { // {.., 1}: the strip-mined twin
            MicroKernel v = MicroKernel.create(kb[0], kb[1], kb.length > 2);
            assertTrue(v.readsRowPanels(), kb[0] + "x" + kb[1]);
            for (int kc : new int[] {1, 2, 3, 7, 64, 383, 512, 769, 1024, stride}) {
                int off = 3;
                float[] rows = random(rng, off + v.mr * stride), packed = new float[2 + v.mr * kc], b = random(rng, 5 + v.nr * kc);
                for (int p = 0; p < kc; p++) for (int r = 0; r < v.mr; r++) packed[2 + p * v.mr + r] = rows[off + r * stride + p];
                String what = kb[0] + "-bit MR=" + kb[1] + (kb.length > 2 ? " (strips)" : "") + " kc=" + kc;
                float[] want = new float[v.mr * v.nr], got = new float[v.mr * v.nr];
                v.run(kc, packed, 2, b, 5, want);
                v.runRowPanel(kc, rows, off, b, 5, got);
                assertArrayEquals(want, got, what + " tile");
                int ldc = v.nr + 7;
                float[] c0 = random(rng, 1 + v.mr * ldc), cw = c0.clone(), cg = c0.clone();
                v.runStore(kc, packed, 2, b, 5, -0.5f, cw, 1, ldc, new float[v.mr * v.nr]);
                v.runStoreRowPanel(kc, rows, off, b, 5, -0.5f, cg, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(cw, cg, what + " store beta 0");
                v.runStore(kc, packed, 2, b, 5, 2f, 0.75f, cw, 1, ldc, new float[v.mr * v.nr]);
                v.runStoreRowPanel(kc, rows, off, b, 5, 2f, 0.75f, cg, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(cw, cg, what + " store with beta");
                assertEquals(c0[0], cg[0], what + ": wrote before its tile");
                // alpha 1 with beta 0 and 1: the 6 x 16 tile's own loops (decisions §2v)
                v.runStore(kc, packed, 2, b, 5, 1f, cw, 1, ldc, new float[v.mr * v.nr]);
                v.runStoreRowPanel(kc, rows, off, b, 5, 1f, cg, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(cw, cg, what + " store alpha 1, beta 0");
                v.runStore(kc, packed, 2, b, 5, 1f, 1f, cw, 1, ldc, new float[v.mr * v.nr]);
                v.runStoreRowPanel(kc, rows, off, b, 5, 1f, 1f, cg, 1, ldc, new float[v.mr * v.nr]);
                assertArrayEquals(cw, cg, what + " store alpha 1, beta 1");
                checked++;
            }
        }
        assertEquals(40, checked);
        for (int[] kb : new int[][] {{512, 8}, {256, 12}, {256, 4}, {128, 6}, {128, 4}}) {
            assertTrue(!MicroKernel.create(kb[0], kb[1]).readsRowPanels(), kb[0] + "x" + kb[1] + " reads packed panels only");
        }
    }

    @Test
    void rowPanelsGiveThePackedPanelsBits() {
        // An untransposed op(A) with K >= 2N goes into row panels (a copy per row) where the kernel takes them: the
        // 512- and 256-bit tables. Same bits as the transposed packed panels, with a short last row panel (packed),
        // edge columns, several KC blocks, both row-block paths, an offset A with padded rows, 1 and 2 threads.
        assertTrue(BlockedGemm.rowPanelsPay(64, 128) && !BlockedGemm.rowPanelsPay(64, 127), "the rule: K >= 2N");
        SplittableRandom rng = new SplittableRandom(17);
        int used = 0;
        // the 256-bit table twice: its 6 x 16 tile with strip-mined k loops (JVMs without safepoint polls in counted
        // loops), and with plain ones (JVMs with them)
        GemmBlocking six = GemmBlocking.forCaches(256, GemmBlocking.DEFAULT_L1, GemmBlocking.DEFAULT_L2, GemmBlocking.DEFAULT_L3, true);
        for (GemmBlocking real : new GemmBlocking[] {GemmBlocking.forBits(128), GemmBlocking.forBits(256), six, GemmBlocking.forBits(512)}) {
            int bits = real.bits();
            boolean reads = MicroKernel.create(real).readsRowPanels();
            assertEquals(bits != 128, reads, bits + "-bit table kernel " + real.mr() + " x " + real.nr() + " takes row panels");
            if (reads) used++;
            for (GemmBlocking blk : new GemmBlocking[] {real, real.with(real.mr(), 32, 20 * real.mr(), 4 * real.nr()),
                    real.with(real.mr(), 48, 2 * real.mr(), 2 * real.nr())}) {
                for (int[] s : new int[][] {{3 * real.mr() + 2, 2 * real.nr() + 5, 4 * real.nr() + 77}, {4 * real.mr(), real.nr(), 300},
                        {1, 3, 7}, {real.mr(), 1, 2}, {2 * real.mr() + 1, real.nr() - 1, 1100}}) {
                    int m = s[0], n = s[1], k = s[2], lda = k + 5, aOff = 3;
                    assertTrue(BlockedGemm.rowPanelsPay(n, k));
                    for (boolean tb : new boolean[] {false, true}) {
                        float[] a = random(rng, aOff + m * lda), b = random(rng, k * n), c0 = random(rng, m * n);
                        for (int threads : new int[] {1, 2}) {
                            float[] want = c0.clone(), got = c0.clone(), got0 = c0.clone(), want0 = c0.clone();
                            try (Dispatcher d = new Dispatcher(threads)) {
                                BlockedGemm packed = new BlockedGemm(blk, d, 0, 0, Long.MAX_VALUE, false);
                                BlockedGemm rows = new BlockedGemm(blk, d, 0, 0, Long.MAX_VALUE, true);
                                packed.gemm(false, tb, m, n, k, 0.7f, a, aOff, lda, b, 0, tb ? k : n, -1.3f, want, 0, n);
                                rows.gemm(false, tb, m, n, k, 0.7f, a, aOff, lda, b, 0, tb ? k : n, -1.3f, got, 0, n);
                                packed.gemm(false, tb, m, n, k, 1f, a, aOff, lda, b, 0, tb ? k : n, 0f, want0, 0, n);
                                rows.gemm(false, tb, m, n, k, 1f, a, aOff, lda, b, 0, tb ? k : n, 0f, got0, 0, n);
                            }
                            String what = blk + " " + m + "x" + n + "x" + k + " transB=" + tb + " threads=" + threads;
                            assertArrayEquals(want, got, what);
                            assertArrayEquals(want0, got0, what + " beta 0");
                        }
                    }
                }
            }
        }
        assertEquals(3, used);
    }

}
