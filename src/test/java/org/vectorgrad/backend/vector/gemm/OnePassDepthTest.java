package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarGemm;
import org.vectorgrad.parallel.Dispatcher;

/**
 * {@link GemmBlocking#kcOnePass()}: a product takes K up to kcOnePass in one pass, with one row block or several
 * (docs/decisions.md §2ac, §2ag). Checked against the scalar oracle, and bitwise against a table whose KC is K itself
 * (the same FMAs in the same order), so a rule that were not applied, or applied to a deeper K, fails.
 */
class OnePassDepthTest {
    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 4 - 2);
        return x;
    }

    @Test
    void onlyAmdsWideTileTakesADeeperSinglePass() {
        for (long[] caches : new long[][] {{48 << 10, 2 << 20, 32 << 20}, {32 << 10, 1 << 20, 32 << 20}, {48 << 10, 1 << 20, 8 << 20}}) {
            for (boolean polls : new boolean[] {false, true}) {
                GemmBlocking amd = GemmBlocking.forCaches(512, caches[0], caches[1], caches[2], polls, true);
                GemmBlocking intel = GemmBlocking.forCaches(512, caches[0], caches[1], caches[2], polls, false);
                assertEquals(GemmBlocking.KC_ONE_PASS, amd.kcOnePass(), amd.toString());
                assertEquals(intel.kc(), intel.kcOnePass(), intel.toString());
                for (int bits : new int[] {128, 256}) {
                    GemmBlocking narrow = GemmBlocking.forCaches(bits, caches[0], caches[1], caches[2], polls, true);
                    assertEquals(narrow.kc(), narrow.kcOnePass(), narrow.toString());
                }
            }
        }
        // the row panels' stride must hold the deepest pass, or a one-pass row panel would overlap the next row
        assertTrue(GemmBlocking.KC_ONE_PASS <= MicroKernel.ROW_PANEL_STRIDE);
        GemmBlocking b = GemmBlocking.forBits(512);
        assertEquals(b.kc(), b.kcOnePass(), "the four-argument form is Intel's table");
        assertEquals(b.kc(), b.withKcOnePass(1024).with(b.mr(), b.kc(), b.mc(), b.nc()).kcOnePass(), "with() resets it");
        assertThrows(IllegalArgumentException.class, () -> b.withKcOnePass(b.kc() - 1));
    }

    @Test
    void productsTakeKInOnePassWithOneRowBlockOrSeveral() {
        SplittableRandom rng = new SplittableRandom(29);
        int differed = 0, checked = 0, severalRowBlocks = 0;
        GemmBlocking six = GemmBlocking.forCaches(256, GemmBlocking.DEFAULT_L1, GemmBlocking.DEFAULT_L2, GemmBlocking.DEFAULT_L3, true);
        for (GemmBlocking real : new GemmBlocking[] {GemmBlocking.forBits(512), six}) {
            int mr = real.mr(), nr = real.nr();
            // KC 96 and MC 4 row panels, so that small products have several KC blocks and several row blocks
            GemmBlocking base = real.with(mr, 96, 4 * mr, 4 * nr), deep = base.withKcOnePass(400);
            for (int[] s : new int[][] {{1, 5, 97}, {4 * mr, 2 * nr + 3, 400}, {2 * mr + 5, nr, 250}, {3, 1, 193},
                    {4 * mr + 1, nr + 1, 300}, {9 * mr, 3, 200}, {2 * mr, 2 * nr, 401}}) {
                int m = s[0], n = s[1], k = s[2];
                boolean onePass = k <= deep.kcOnePass();
                // the table the rule amounts to: KC = K where it applies, else the base table
                GemmBlocking same = onePass ? base.with(mr, k, base.mc(), base.nc()) : base;
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
                        float[] a = random(rng, (ta ? k : m) * lda), b = random(rng, (tb ? n : k) * ldb), c0 = random(rng, m * ldc);
                        float[] want = c0.clone();
                        new ScalarGemm().gemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -1.25f, want, 0, ldc);
                        float[] one = null;
                        for (int threads : new int[] {1, 2}) {
                            float[] got = c0.clone(), ref = c0.clone(), split = c0.clone();
                            try (Dispatcher d = new Dispatcher(threads)) {
                                new BlockedGemm(deep, d, 0, 0).gemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -1.25f, got, 0, ldc);
                                new BlockedGemm(same, d, 0, 0).gemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -1.25f, ref, 0, ldc);
                                new BlockedGemm(base, d, 0, 0).gemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -1.25f, split, 0, ldc);
                            }
                            String what = real.bits() + "-bit " + m + "x" + n + "x" + k + " " + (ta ? "T" : "N") + (tb ? "T" : "N")
                                    + " threads=" + threads;
                            assertArrayEquals(ref, got, what + ": the bits of KC = " + same.kc());
                            for (int i = 0; i < want.length; i++) {
                                assertEquals(want[i], got[i], 1e-5 * k, what + " element " + i + " against the scalar oracle");
                            }
                            if (one == null) one = got;
                            else assertArrayEquals(one, got, what + ": the same bits at 1 and 2 threads");
                            if (onePass && !Arrays.equals(split, got)) differed++;
                            if (onePass && m > base.mc()) severalRowBlocks++;
                            if (!onePass) assertArrayEquals(split, got, what + ": the rule must not apply here");
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(2 * 7 * 4 * 2, checked);
        assertTrue(severalRowBlocks > 10, "one-pass products of several row blocks: " + severalRowBlocks);
        // one pass rounds differently from KC-deep blocks on random data: the comparison above can tell them apart
        assertTrue(differed > 10, "one-pass products that differ from the split ones: " + differed);
    }
}
