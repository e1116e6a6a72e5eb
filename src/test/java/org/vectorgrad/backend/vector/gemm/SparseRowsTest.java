package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The sparse-rows path ({@link SparseRows}: op(A) with many exact zeros, only its nonzeros' FMAs) against the dense
 * paths of the same GEMM, bitwise: both compute each element as one FMA chain over p ascending within the same K
 * blocks, the sparse one skipping terms whose op(A) entry is ±0, which change nothing while op(B) is finite. Random
 * shapes, every layout (a transposed op(B) is copied into row order first), K in one block and in two, 70-100 % zeros with -0 among them, alpha and beta of every store
 * form, offsets and padded leading dimensions; small sub-blocks and column blocks (chains continued through T);
 * 1 to 3 threads; NaN and infinity in op(A) and op(B); and the rule.
 */
class SparseRowsTest {
    private static final int BITS = 256;

    /** The CPUs whose choice of sparse kernels is checked, described by hand: the machine running the test does not matter. */
    private static final String AVX512 = "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd";
    static final CpuFeatures ZEN3 = CpuFeatures.of("AuthenticAMD", 25, 1, "AMD EPYC 7B13", "fma avx avx2");
    static final CpuFeatures ZEN4 = CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC", AVX512 + " avx512_bf16");
    static final CpuFeatures ZEN5 = CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC 9005", AVX512 + " avx512_bf16");
    static final CpuFeatures XEON = CpuFeatures.of("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Platinum 8581C", AVX512 + " amx_tile");

    private static BlockedGemm gemm(GemmBlocking blk, Dispatcher d, long parallelMinWork, boolean sparse) {
        return BlockedGemm.withSparseRows(blk, d, parallelMinWork, sparse);
    }

    /** Gaussian values with {@code zeros} of them ±0 (a third of those -0), as a ReLU's output or gradient. */
    private static float[] sparse(SplittableRandom rng, int n, double zeros) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextDouble() < zeros ? (rng.nextInt(3) == 0 ? -0f : 0f) : (float) rng.nextGaussian();
        return x;
    }

    /** One product through both GEMMs on the same operands (op(A) sparse), C compared bitwise, padding untouched. */
    private static void check(String what, BlockedGemm dense, BlockedGemm sparse, boolean ta, boolean tb, int m, int n, int k, double zeros,
                              float alpha, float beta, SplittableRandom rng, boolean mustTakePath) {
        int pad = rng.nextInt(3) * 3, off = rng.nextInt(4);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad + 1, ldc = n + pad + 2;
        float[] a = sparse(rng, off + (ta ? k : m) * lda, zeros), b = AgainstPackedPath.gaussian(rng, off + (tb ? n : k) * ldb);
        float[] c0 = AgainstPackedPath.gaussian(rng, off + m * ldc);
        if (beta == 0f) for (int i = 0; i < m; i++) Arrays.fill(c0, off + i * ldc, off + i * ldc + n, Float.NaN);
        if (mustTakePath) {
            assertTrue(sparse.sparseRows().applies(ta, tb, m, n, k, a, off, lda), what + ": the sparse path must apply");
        }
        float[] want = c0.clone(), got = c0.clone();
        dense.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, want, off, ldc);
        sparse.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, got, off, ldc);
        String shape = what + " " + m + "x" + n + "x" + k + (ta ? " T" : " N") + (tb ? "T" : "N") + " zeros " + zeros + " alpha " + alpha + " beta " + beta;
        for (int i = 0; i < got.length; i++) {
            boolean inC = i >= off && (i - off) % ldc < n;
            if (inC) assertTrue(Float.isFinite(got[i]), shape + ": C[" + i + "] = " + got[i]);
            else assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(got[i]), shape + ": padding at " + i + " written");
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), shape + ": C[" + i + "]");
        }
    }

    @Test
    void sparseProductsEqualTheDensePathsBitwise() {
        SplittableRandom rng = new SplittableRandom(83);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(BITS)) {
                BlockedGemm dense = gemm(blk, d, Long.MAX_VALUE, false), sparse = gemm(blk, d, Long.MAX_VALUE, true);
                assertNotNull(sparse.sparseRows(), blk + ": the 256-bit GEMM has the path");
                assertNull(dense.sparseRows());
                int[][] shapes = {{128, 512, 256}, {512, 784, 128}, {96, 264, 136}, {37, 200, 301}, {130, 96, 1000}, {64, 1024, 20}, {2, 2048, 300}};
                for (int[] s : shapes) {
                    for (int layout = 0; layout < 4; layout++) {
                        boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                        for (double zeros : new double[] {0.75, 0.95, 1.0}) {
                            float alpha = rng.nextInt(3) == 0 ? 0.5f : 1f, beta = new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                            check(blk.toString(), dense, sparse, ta, tb, s[0], s[1], s[2], zeros, alpha, beta, rng, true);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 160, "only " + cases + " products");
    }

    @Test
    void a512BitGemmOnZen4SkipsZerosWithTheBitsOfItsDenseTiles() {
        // on a CPU that runs 512-bit operations as two halves the 512-bit GEMM sums op(A)'s nonzeros with the 512-bit
        // kernels in the 512-bit blocking's K blocks: the bits of its own dense tiles; one thread and two (row blocks
        // past the parallel bound); N whole 512-bit vectors, K with and without a tail of op(A)'s lists
        SplittableRandom rng = new SplittableRandom(131);
        int cases = 0;
        try (Dispatcher one = new Dispatcher(1); Dispatcher two = new Dispatcher(2)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(512)) {
                BlockedGemm dense = gemm(blk, one, Long.MAX_VALUE, false);
                for (BlockedGemm sparse : new BlockedGemm[] {BlockedGemm.forCpu(blk, one, Long.MAX_VALUE, ZEN4), BlockedGemm.forCpu(blk, two, 1, ZEN4)}) {
                    assertNotNull(sparse.sparseRows(), blk + ": Zen 4's 512-bit GEMM has the path");
                    int[][] shapes = {{128, 512, 256}, {96, 272, 136}, {37, 208, 301}, {64, 1024, 20}, {5, 64, 4099}};
                    for (int[] s : shapes) {
                        for (int layout = 0; layout < 4; layout++) {
                            boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                            float alpha = rng.nextInt(3) == 0 ? 0.5f : 1f, beta = new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                            check(blk + " Zen 4", dense, sparse, ta, tb, s[0], s[1], s[2], 0.8, alpha, beta, rng, true);
                            cases++;
                        }
                    }
                }
                // a product with K past one of the packed path's K blocks continues its chains across the blocks' stores
                int k = blk.kcOnePass() + 37;
                check(blk + " Zen 4, two K blocks", dense, BlockedGemm.forCpu(blk, one, Long.MAX_VALUE, ZEN4), false, false, 40, 128, k, 0.85,
                        1f, 1f, rng, true);
            }
        }
        assertTrue(cases >= 60, "only " + cases + " products");
    }

    @Test
    void theSparseProductIsTheProductToRoundingAgainstDoubles() {
        // not only the dense path's bits: the product itself, against a double-precision sum of the same terms
        SplittableRandom rng = new SplittableRandom(89);
        int m = 70, n = 256, k = 300;
        float[] a = sparse(rng, m * k, 0.8), b = AgainstPackedPath.gaussian(rng, k * n), c = new float[m * n];
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm sparse = gemm(GemmBlocking.forBits(BITS), d, Long.MAX_VALUE, true);
            assertTrue(sparse.sparseRows().applies(false, false, m, n, k, a, 0, k));
            sparse.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                    mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                assertEquals(s, c[i * n + j], 1e-6 * mag + 1e-30, "C[" + i + ", " + j + "]");
            }
        }
    }

    @Test
    void chainsContinueExactlyThroughSmallSubBlocksAndColumnBlocks() {
        // sub-blocks of 8 rows of op(B) and column blocks of 1 to 3 vectors: every chain is stored to T and read back
        // many times, and crosses the packed path's K block boundary (k past kcOnePass) inside a sub-block's range
        SplittableRandom rng = new SplittableRandom(97);
        GemmBlocking blk = GemmBlocking.forBits(BITS);
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm dense = gemm(blk, d, Long.MAX_VALUE, false);
            for (int vectors : new int[] {1, 2, 3, 12, 13}) {
                SparseRows path = new SparseRows(BITS, vectors, vectors * 8 * 8, vectors % 2 == 0 ? ArrayAlignment.UNKNOWN : new ArrayAlignment(32, 16));
                for (int[] s : new int[][] {{40, 48, 2000}, {33, 136, 900}, {64, 64, 257}}) {
                    int m = s[0], n = s[1], k = s[2];
                    boolean ta = rng.nextBoolean();
                    int blocks = dense.kBlocks(k);
                    float[] a = sparse(rng, m * k, 0.8), b = AgainstPackedPath.gaussian(rng, k * n);
                    float[] want = AgainstPackedPath.gaussian(rng, m * n), got = want.clone();
                    float beta = rng.nextBoolean() ? 0f : 1f;
                    dense.gemm(ta, false, m, n, k, 1f, a, 0, ta ? m : k, b, 0, n, beta, want, 0, n);
                    assertTrue(path.tryGemm(ta, false, m, n, k, blocks, 1f, a, 0, ta ? m : k, b, 0, n, beta, got, 0, n),
                            vectors + " vectors " + m + "x" + n + "x" + k);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                vectors + " vectors, " + blocks + " K blocks " + m + "x" + n + "x" + k + (ta ? " TN" : " NN") + ": C[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void everyThreadCountGivesTheOneThreadBits() {
        // past the parallel bound the GEMM runs op(A)'s rows in one block per thread, each on the sparse path (or
        // dense where its block declines); below it the sparse path on the caller's: either way the one-thread dense
        // path's bits
        SplittableRandom rng = new SplittableRandom(101);
        for (int threads : new int[] {2, 3}) {
            try (Dispatcher one = new Dispatcher(1); Dispatcher many = new Dispatcher(threads)) {
                GemmBlocking blk = GemmBlocking.forBits(BITS);
                BlockedGemm dense = gemm(blk, one, Long.MAX_VALUE, false);
                for (long bound : new long[] {1, Long.MAX_VALUE}) {
                    BlockedGemm library = gemm(blk, many, bound, true);
                    for (int[] s : new int[][] {{512, 784, 128}, {128, 512, 256}, {5, 2048, 512}, {129, 64, 900}}) {
                        check(threads + " threads, parallel bound " + bound, dense, library, rng.nextBoolean(), rng.nextBoolean(), s[0], s[1],
                                s[2], 0.75, 1f, rng.nextBoolean() ? 0f : 1f, rng, true);
                    }
                }
            }
        }
    }

    @Test
    void infinityOrNaNInOpBSendsTheProductToTheDensePathSoTheyReachC() {
        // 0 · Inf is NaN: a skipped term would have made C's element NaN. The path must decline, and C get the dense
        // bits; op(B) as it lies and transposed (checked on the row-order copy)
        SplittableRandom rng = new SplittableRandom(103);
        int m = 64, n = 128, k = 200;
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(BITS);
            BlockedGemm dense = gemm(blk, d, Long.MAX_VALUE, false), library = gemm(blk, d, Long.MAX_VALUE, true);
            for (boolean tb : new boolean[] {false, true}) {
                for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
                    float[] a = sparse(rng, m * k, 0.9), b = AgainstPackedPath.gaussian(rng, k * n);
                    int ldb = tb ? k : n, p = 17, j = 5;
                    for (int i = 0; i < m; i++) a[i * k + p] = 0f; // op(A)'s column p all zero: every term with op(B)[p, j] skipped
                    b[tb ? j * k + p : p * n + j] = bad;
                    b[tb ? (n - 1) * k + k - 1 : (k - 1) * n + n - 1] = bad; // op(B)'s last element
                    SparseRows path = library.sparseRows();
                    assertFalse(path.tryGemm(false, tb, m, n, k, library.kBlocks(k), 1f, a, 0, k, b, 0, ldb, 0f, new float[m * n], 0, n),
                            bad + " in op(B): the path declines");
                    float[] want = new float[m * n], got = new float[m * n];
                    dense.gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, want, 0, n);
                    library.gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, got, 0, n);
                    assertTrue(Float.isNaN(got[j]), bad + ": C[0, " + j + "] = 0 · " + bad + " + ... must be NaN, got " + got[j]);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), bad + (tb ? " NT" : " NN") + ": C[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void infinityAndNaNInOpAAreNonzerosAndReachC() {
        SplittableRandom rng = new SplittableRandom(107);
        int m = 64, n = 128, k = 200;
        float[] a = sparse(rng, m * k, 0.9), b = AgainstPackedPath.gaussian(rng, k * n);
        a[3 * k + 50] = Float.NaN;
        a[9 * k + 11] = Float.POSITIVE_INFINITY;
        a[9 * k + 12] = Float.NEGATIVE_INFINITY; // Inf - Inf in row 9
        a[20 * k + 199] = Float.POSITIVE_INFINITY;
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(BITS);
            BlockedGemm dense = gemm(blk, d, Long.MAX_VALUE, false), sparse = gemm(blk, d, Long.MAX_VALUE, true);
            assertTrue(sparse.sparseRows().applies(false, false, m, n, k, a, 0, k));
            float[] want = new float[m * n], got = new float[m * n];
            dense.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
            sparse.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, got, 0, n);
            for (int j = 0; j < n; j++) {
                assertTrue(Float.isNaN(got[3 * n + j]), "row 3 (a NaN in op(A)): C[3, " + j + "] = " + got[3 * n + j]);
                assertTrue(Float.isInfinite(got[20 * n + j]), "row 20 (an Inf in op(A)): C[20, " + j + "] = " + got[20 * n + j]);
            }
            for (int i = 0; i < got.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "C[" + i + "]");
        }
    }

    @Test
    void theRule() {
        try (Dispatcher d = new Dispatcher(1)) {
            // 256-bit kernels in a 256-bit GEMM on every CPU, 512-bit ones in a 512-bit GEMM where the CPU runs 512-bit
            // operations as two halves (AMD Zen 4, decisions §2bx); none at 128 bits, nor at 512 on full-width units (§2br)
            for (CpuFeatures cpu : new CpuFeatures[] {ZEN3, ZEN4, ZEN5, XEON, CpuFeatures.unknown()}) {
                assertEquals(256, SparseRows.kernelBits(256, cpu), cpu.modelName());
                assertEquals(0, SparseRows.kernelBits(128, cpu), cpu.modelName());
                assertEquals(cpu == ZEN4 ? 512 : 0, SparseRows.kernelBits(512, cpu), cpu.modelName());
                assertNull(BlockedGemm.forCpu(GemmBlocking.forBits(128), d, Long.MAX_VALUE, cpu).sparseRows());
                assertNotNull(BlockedGemm.forCpu(GemmBlocking.forBits(256), d, Long.MAX_VALUE, cpu).sparseRows());
                assertEquals(cpu == ZEN4, BlockedGemm.forCpu(GemmBlocking.forBits(512), d, Long.MAX_VALUE, cpu).sparseRows() != null,
                        cpu.modelName());
                // what `info` says (the property is on in tests)
                String at256 = BlockedGemm.sparseRowsStatus(256, cpu), at512 = BlockedGemm.sparseRowsStatus(512, cpu);
                assertTrue(at256.startsWith("on: ") && !at256.contains("-bit kernels"), at256);
                if (cpu == ZEN4) assertTrue(at512.startsWith("on: ") && at512.contains("two 256-bit halves") && at512.contains("64-byte"), at512);
                else assertTrue(at512.startsWith("off: no kernels at 512 bits on a CPU with full-width 512-bit units"), at512);
                assertTrue(BlockedGemm.sparseRowsStatus(128, cpu).startsWith("off: no kernels at 128 bits ("), BlockedGemm.sparseRowsStatus(128, cpu));
            }
            assertEquals(BlockedGemm.sparseRowsStatus(512, CpuFeatures.current()), BlockedGemm.sparseRowsStatus(512));
            assertEquals(SparseRows.kernelBits(512, CpuFeatures.current()) > 0, BlockedGemm.sparseRowsOn(512));
            // the 512-bit GEMM's path on Zen 4 takes 512-bit vectors of columns: N = 272 is 17 of them, 264 not whole ones
            SparseRows halves = BlockedGemm.forCpu(GemmBlocking.forBits(512), d, Long.MAX_VALUE, ZEN4).sparseRows();
            assertTrue(halves.shapeFits(false, 128, 272, 256));
            assertFalse(halves.shapeFits(false, 128, 264, 256));
            SparseRows path = gemm(GemmBlocking.forBits(BITS), d, Long.MAX_VALUE, true).sparseRows();
            assertTrue(path.shapeFits(false, 128, 512, 256));
            assertTrue(path.shapeFits(true, 128, 512, 256), "op(B) transposed: copied into row order");
            assertFalse(path.shapeFits(true, 8, 4096, 1025), "a transposed op(B) past MAX_A");
            assertFalse(path.shapeFits(false, 128, 514, 256), "N not whole vectors");
            assertFalse(path.shapeFits(false, 16, 64, 1000), "under MIN_WORK");
            assertTrue(path.shapeFits(false, 16, 64, 1024), "at MIN_WORK");
            assertTrue(path.shapeFits(false, 1024, 8, 4096), "op(A) at MAX_A");
            assertFalse(path.shapeFits(false, 1024, 8, 4097), "op(A) past MAX_A: its lists would stay in the workspace");
            // the sample's zero fraction against the bound
            int m = 64, k = 256;
            float[] a = new float[m * k];
            Arrays.fill(a, 1f);
            for (int i = 0; i < m; i++) for (int p = 0; p < k * 64 / 100; p++) a[i * k + p] = 0f; // 64 % zeros
            assertEquals(0.64, SparseRows.zeroFraction(a, 0, k, m, k), 0.01);
            assertFalse(path.applies(false, false, m, 512, k, a, 0, k), "64 % zeros: below the bound");
            for (int i = 0; i < m; i++) for (int p = k * 64 / 100; p < 167; p++) a[i * k + p] = -0f; // -0 counts as zero: 167 of 256
            assertTrue(SparseRows.zeroFraction(a, 0, k, m, k) >= SparseRows.MIN_ZERO_FRACTION);
            assertTrue(path.applies(false, false, m, 512, k, a, 0, k));
            assertTrue(path.applies(true, false, k, 512, m, a, 0, k), "A transposed: the same stored elements");
            // a wide row is sampled at SAMPLE_COLUMNS evenly spaced elements: half of them zero at random reads ~1/2
            float[] wide = new float[4 * 4096];
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < wide.length; i++) wide[i] = rng.nextBoolean() ? 0f : 1f;
            assertEquals(0.5, SparseRows.zeroFraction(wide, 0, 4096, 4, 4096), 0.05);
            float[] third = new float[3 * 1000];
            for (int i = 0; i < third.length; i++) third[i] = i % 1000 < 700 ? 0f : 1f; // the first 70 % of each row
            assertEquals(0.7, SparseRows.zeroFraction(third, 0, 1000, 3, 1000), 0.01);
        }
    }
    @Test
    void opBGoesOntoVectorBoundariesOnlyWhereTheyAreKnownAndItLiesOffThem() {
        ArrayAlignment unknown = ArrayAlignment.UNKNOWN, on32 = new ArrayAlignment(32, 16), compact = new ArrayAlignment(32, 12);
        // the JVM's default 8-byte object alignment: an untransposed op(B) is read where it lies, a transposed one
        // copied to the workspace's start
        assertEquals(-1, SparseRows.rowsBStart(unknown, 8, false, 256, 512, 0, 512));
        assertEquals(0, SparseRows.rowsBStart(unknown, 8, true, 256, 512, 0, 256));
        // objects on 32 bytes, data 16 bytes in: element 4 is the first on a boundary
        assertEquals(4, SparseRows.rowsBStart(on32, 8, true, 256, 512, 0, 256));
        assertEquals(4, SparseRows.rowsBStart(on32, 8, false, 256, 512, 0, 512), "element 0 lies 16 bytes off: moved");
        assertEquals(-1, SparseRows.rowsBStart(on32, 8, false, 256, 512, 4, 512), "element 4 and every row on a boundary");
        assertEquals(-1, SparseRows.rowsBStart(on32, 8, false, 256, 512, 12, 520), "element 12, rows 520 floats apart");
        assertEquals(4, SparseRows.rowsBStart(on32, 8, false, 256, 512, 4, 513), "rows 513 floats apart drift off");
        assertEquals(4, SparseRows.rowsBStart(on32, 8, false, 256, 512, 6, 512), "element 6: 8 bytes off");
        assertEquals(-1, SparseRows.rowsBStart(on32, 8, false, 8192, 1024, 0, 1024), "k·n past MAX_A: not copied");
        assertEquals(5, SparseRows.rowsBStart(compact, 8, false, 256, 512, 0, 512), "compact headers: data 12 bytes in");
        for (ArrayAlignment al : new ArrayAlignment[] {on32, compact, new ArrayAlignment(32, 20), new ArrayAlignment(64, 16)}) {
            int start = SparseRows.rowsBStart(al, 8, false, 256, 512, 1, 512);
            assertTrue(start >= 0 && (al.base() + 4 * start) % 32 == 0, al + ": copied to element " + start);
        }
    }

    @Test
    void opBMovedOntoVectorBoundariesGivesTheDenseBits() {
        // the copy's place never changes a bit: every alignment a JVM can have, op(B) as it lies (off a boundary or
        // on one) and transposed, with offsets and padded rows, against the dense path
        SplittableRandom rng = new SplittableRandom(223);
        ArrayAlignment[] alignments = {ArrayAlignment.UNKNOWN, new ArrayAlignment(32, 16), new ArrayAlignment(32, 12),
                new ArrayAlignment(32, 20), new ArrayAlignment(64, 16)};
        try (Dispatcher d = new Dispatcher(1)) {
            BlockedGemm dense = gemm(GemmBlocking.forBits(BITS), d, Long.MAX_VALUE, false);
            for (ArrayAlignment al : alignments) {
                SparseRows path = new SparseRows(BITS, 0, SparseRows.SUB_BLOCK_FLOATS, al);
                for (int[] s : new int[][] {{128, 512, 256}, {96, 264, 136}, {37, 200, 301}}) {
                    for (int layout = 0; layout < 4; layout++) {
                        boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                        int m = s[0], n = s[1], k = s[2], off = rng.nextInt(9), pad = rng.nextInt(3) * 4;
                        int lda = ta ? m : k, ldb = (tb ? k : n) + pad, ldc = n + 3;
                        float[] a = sparse(rng, off + (ta ? k : m) * lda, 0.8), b = AgainstPackedPath.gaussian(rng, off + (tb ? n : k) * ldb);
                        float[] want = AgainstPackedPath.gaussian(rng, off + m * ldc), got = want.clone();
                        float beta = rng.nextBoolean() ? 0f : 1f;
                        dense.gemm(ta, tb, m, n, k, 1f, a, off, lda, b, off, ldb, beta, want, off, ldc);
                        String what = al + " " + m + "x" + n + "x" + k + (ta ? " T" : " N") + (tb ? "T" : "N") + " off " + off + " ldb " + ldb;
                        assertTrue(path.tryGemm(ta, tb, m, n, k, dense.kBlocks(k), 1f, a, off, lda, b, off, ldb, beta, got, off, ldc), what);
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ": C[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void theSampleReadsElementFloorOfQTimesColsOverPerOfEachSampledRow() {
        // zeroFraction steps to its columns; the elements must be those of the division floor(q·cols/per), which the
        // reference below computes, on shapes past SAMPLE_COLUMNS by every kind of remainder, and at and below it
        SplittableRandom rng = new SplittableRandom(211);
        int[] colsCases = {1, 2, 7, 255, 256, 257, 300, 511, 512, 513, 784, 1000, 3136, 4095};
        for (int cols : colsCases) {
            for (int rows : new int[] {1, 3, 16, 17, 288}) {
                int ld = cols + rng.nextInt(3), off = rng.nextInt(5);
                float[] a = new float[off + rows * ld];
                double density = rng.nextDouble();
                for (int i = 0; i < a.length; i++) a[i] = rng.nextDouble() < density ? 0f : 1f;
                assertEquals(referenceZeroFraction(a, off, ld, rows, cols), SparseRows.zeroFraction(a, off, ld, rows, cols),
                        rows + " x " + cols + " (ld " + ld + ", off " + off + ")");
            }
        }
        // one zero at a column the sample reads, one at a column it skips: 513 columns sampled at 256 read 0, 2, 4, ...
        float[] one = new float[513];
        Arrays.fill(one, 1f);
        one[3] = 0f;
        assertEquals(0.0, SparseRows.zeroFraction(one, 0, 513, 1, 513));
        one[4] = 0f;
        assertEquals(1.0 / 256, SparseRows.zeroFraction(one, 0, 513, 1, 513));
    }

    /** The sample as a division per element: element floor(q·cols/per) of each of the evenly spaced rows. */
    private static double referenceZeroFraction(float[] a, int off, int ld, int rows, int cols) {
        int sample = Math.min(rows, SparseRows.SAMPLE_ROWS), per = Math.min(cols, SparseRows.SAMPLE_COLUMNS), zeros = 0;
        for (int s = 0; s < sample; s++) {
            int at = off + (int) ((long) s * rows / sample) * ld;
            for (int q = 0; q < per; q++) zeros += a[at + (int) ((long) q * cols / per)] == 0f ? 1 : 0;
        }
        return sample == 0 || per == 0 ? 0 : zeros / ((double) sample * per);
    }

    @Test
    void skipsZerosOfSaysWhetherRunGemmTakesTheSparsePath() {
        // what auto.AutoGemm reads to leave such products to the Java GEMM: true exactly where runGemm would skip zeros
        SplittableRandom rng = new SplittableRandom(109);
        int m = 128, n = 512, k = 256;
        float[] sparseA = sparse(rng, m * k, 0.8), denseA = AgainstPackedPath.gaussian(rng, m * k);
        try (Dispatcher one = new Dispatcher(1); Dispatcher two = new Dispatcher(2)) {
            GemmBlocking blk = GemmBlocking.forBits(BITS);
            BlockedGemm library = gemm(blk, one, Long.MAX_VALUE, true);
            assertTrue(library.skipsZerosOf(false, false, m, n, k, sparseA, 0, k));
            assertTrue(library.skipsZerosOf(true, true, k, n, m, sparseA, 0, k), "A stored transposed, B transposed");
            assertFalse(library.skipsZerosOf(false, false, m, n, k, denseA, 0, k), "op(A) without zeros");
            assertFalse(library.skipsZerosOf(false, false, 8, 16, 256, sparseA, 0, 256), "under MIN_WORK");
            assertFalse(library.skipsZerosOf(false, false, 0, n, k, sparseA, 0, k), "an empty product");
            assertFalse(library.skipsZerosOf(false, false, m, n, 0, sparseA, 0, 1), "k == 0: C = beta·C");
            assertFalse(gemm(blk, one, Long.MAX_VALUE, false).skipsZerosOf(false, false, m, n, k, sparseA, 0, k), "the path off");
            assertFalse(BlockedGemm.forCpu(GemmBlocking.forBits(512), one, Long.MAX_VALUE, XEON).skipsZerosOf(false, false, m, n, k, sparseA, 0, k),
                    "no kernels at 512 bits on full-width units");
            assertTrue(BlockedGemm.forCpu(GemmBlocking.forBits(512), one, Long.MAX_VALUE, ZEN4).skipsZerosOf(false, false, m, n, k, sparseA, 0, k),
                    "256-bit kernels at 512 bits on AMD Zen 4");
            assertTrue(gemm(blk, two, Long.MAX_VALUE, true).skipsZerosOf(false, false, m, n, k, sparseA, 0, k),
                    "two threads, below the parallel bound: one thread runs it");
            assertTrue(gemm(blk, two, 1, true).skipsZerosOf(false, false, m, n, k, sparseA, 0, k),
                    "past the parallel bound: a block of rows per thread");
            assertTrue(gemm(blk, one, Long.MAX_VALUE, true).skipsZerosOf(false, false, 8, n, k, sparseA, 0, k), "8x512x256 at MIN_WORK");
            assertFalse(gemm(blk, two, 1, true).skipsZerosOf(false, false, 8, n, k, sparseA, 0, k),
                    "split over two threads its blocks of 4 rows fall under MIN_WORK: dense");
            assertFalse(new org.vectorgrad.backend.scalar.ScalarGemm().skipsZerosOf(false, false, m, n, k, sparseA, 0, k),
                    "a GEMM without such a path");
        }
    }
    @Test
    void rowBlocksOverThreadsDecideEachOnItsOwnRowsWithTheSameBits() {
        // op(A) zero enough as a whole, but its last rows dense: past the parallel bound the blocks whose rows are
        // mostly zero take the sparse path and the others the dense one on their thread, all with the one-thread bits;
        // with a NaN in op(B) every block declines and the NaN reaches C
        SplittableRandom rng = new SplittableRandom(113);
        GemmBlocking blk = GemmBlocking.forBits(BITS);
        int m = 96, n = 256, k = 384;
        for (int threads : new int[] {2, 3}) {
            try (Dispatcher one = new Dispatcher(1); Dispatcher many = new Dispatcher(threads)) {
                BlockedGemm dense = gemm(blk, one, Long.MAX_VALUE, false), library = gemm(blk, many, 1, true);
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        float[] a = new float[m * k]; // op(A)[i, p] at a[ta ? p·m + i : i·k + p]
                        for (int i = 0; i < m; i++) {
                            double zeros = i < m * 3 / 4 ? 0.95 : 0.2;
                            for (int p = 0; p < k; p++) a[ta ? p * m + i : i * k + p] = rng.nextDouble() < zeros ? 0f : (float) rng.nextGaussian();
                        }
                        String what = threads + " threads" + (ta ? " T" : " N") + (tb ? "T" : "N");
                        assertTrue(library.skipsZerosOf(ta, tb, m, n, k, a, 0, ta ? m : k), what);
                        int lastBlock = m * (threads - 1) / threads;
                        assertTrue(library.sparseRows().applies(ta, tb, m / threads, n, k, a, 0, ta ? m : k), what + ": the first block takes the path");
                        assertFalse(library.sparseRows().applies(ta, tb, m - lastBlock, n, k, a, ta ? lastBlock : lastBlock * k, ta ? m : k),
                                what + ": the last block's own rows are too dense for the path");
                        float[] b = AgainstPackedPath.gaussian(rng, k * n);
                        float[] want = AgainstPackedPath.gaussian(rng, m * n), got = want.clone();
                        dense.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 1f, want, 0, n);
                        library.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 1f, got, 0, n);
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ": C[" + i + "]");
                        }
                        int p = 11, j = 40;
                        b[tb ? j * k + p : p * n + j] = Float.NaN;
                        for (int i = 0; i < m; i++) a[ta ? p * m + i : i * k + p] = 0f; // every term with the NaN has a zero op(A)
                        float[] c = new float[m * n];
                        library.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                        for (int i = 0; i < m; i++) assertTrue(Float.isNaN(c[i * n + j]), what + ": 0 · NaN must reach C[" + i + ", " + j + "]");
                    }
                }
            }
        }
    }
}
