package org.vectorgrad.backend.auto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.blas.BlasBackendFactory;
import org.vectorgrad.backend.blas.BlasGemm;
import org.vectorgrad.backend.blas.OpenBlasLoader;
import org.vectorgrad.backend.scalar.ScalarBackend;

class AutoBackendTest {
    private final List<String> warnings = new ArrayList<>();
    private final AutoBackendFactory factory = new AutoBackendFactory(warnings::add);

    @BeforeEach
    void reset() { AutoBackendFactory.resetWarningsForTest(); }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static void assertGemmMatchesOracle(Backend b, int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = random(r, m * k), bb = random(r, k * n), want = random(r, m * n), got = want.clone();
        ScalarBackend.create().gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, bb, 0, tb ? k : n, 0.5f, want, 0, n);
        b.gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, bb, 0, tb ? k : n, 0.5f, got, 0, n);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4f * (k + 1), "auto gemm " + m + "x" + n + "x" + k + " at " + i);
        }
    }

    @Test
    void withoutBlasWarnsOnceAndComputes() {
        BlasBackendFactory absent = new BlasBackendFactory("libvectorgrad-absent.so");
        try (FamilyBackend a = factory.create(1, Backends.factories().get("vector"), absent, new GemmRule(0));
             FamilyBackend b = factory.create(1, Backends.factories().get("vector"), absent, new GemmRule(0))) {
            List<String> blasLines = warnings.stream().filter(w -> w.contains("OpenBLAS off")).toList();
            assertEquals(1, blasLines.size(), warnings.toString());
            assertTrue(blasLines.get(0).contains("libvectorgrad-absent.so") && blasLines.get(0).contains("apt-get install"),
                    blasLines.get(0));
            assertTrue(gemmOf(a).describe().contains("OpenBLAS off"), gemmOf(a).describe());
            assertFalse(gemmOf(a).choose(false, false, 512, 512, 512) instanceof BlasGemm);
            assertGemmMatchesOracle(a, 33, 17, 45, true, false);
            assertGemmMatchesOracle(b, 5, 64, 3, false, true);
        }
    }

    @Test
    void withBlasSplitsGemmsByTheRule() {
        BlasBackendFactory blas = new BlasBackendFactory(OpenBlasLoader.configuredName());
        Availability av = blas.availability();
        org.vectorgrad.Prerequisites.require(av.available(), "needs OpenBLAS: " + av.reason());
        try (FamilyBackend auto = factory.create(1, Backends.factories().get("vector"), blas, new GemmRule(32 * 32 * 32))) {
            assertTrue(warnings.stream().noneMatch(w -> w.contains("OpenBLAS")), warnings.toString());
            assertInstanceOf(BlasGemm.class, gemmOf(auto).choose(false, false, 32, 32, 32));
            assertInstanceOf(BlasGemm.class, gemmOf(auto).choose(true, false, 784, 512, 128));
            Gemm small = gemmOf(auto).choose(false, false, 4, 4, 4);
            assertFalse(small instanceof BlasGemm, small.toString());
            assertSame(small, gemmOf(auto).choose(false, true, 31, 32, 32));
            assertGemmMatchesOracle(auto, 4, 4, 4, false, false);
            assertGemmMatchesOracle(auto, 40, 50, 60, true, true);
            float[] x = {1, 2, 3}, y = {1, 1, 1};
            auto.pointwise().axpy(3, 2f, x, 0, y, 0);
            assertEquals(7f, y[2]);
        }
    }

    @Test
    void ruleThresholdAndProperty() {
        GemmRule r = new GemmRule(1000);
        assertTrue(r.useBlas(false, false, 10, 10, 10));
        assertFalse(r.useBlas(false, false, 10, 10, 9));
        assertFalse(new GemmRule(0).useBlas(false, false, 0, 10, 10));
        assertTrue(new GemmRule(0).useBlas(false, false, 1, 1, 1));
        String saved = System.getProperty(GemmRule.PROPERTY);
        try {
            // the property wins on every machine, also where the machine's rule is never
            System.setProperty(GemmRule.PROPERTY, "12345");
            assertEquals(12345, GemmRule.fromSystemProperties(INTEL_AVX512, 512).minWork());
            assertEquals(12345, GemmRule.fromSystemProperties(ZEN5, 512).minWork());
            System.setProperty(GemmRule.PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmRule.fromSystemProperties(ZEN5, 512));
            assertTrue(e.getMessage().contains(GemmRule.PROPERTY), e.getMessage());
            System.clearProperty(GemmRule.PROPERTY);
            assertEquals(GemmRule.DEFAULT_MIN_WORK, GemmRule.fromSystemProperties(INTEL_AVX512, 512).minWork());
            assertEquals(GemmRule.NEVER, GemmRule.fromSystemProperties(ZEN5, 512).minWork());
        } finally {
            if (saved == null) System.clearProperty(GemmRule.PROPERTY); else System.setProperty(GemmRule.PROPERTY, saved);
        }
    }

    private static final String AVX512 = "sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512dq avx512cd";
    static final CpuFeatures ZEN5 = CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC", AVX512 + " avx512_bf16");
    static final CpuFeatures ZEN4 = CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC 9R14", AVX512 + " avx512_bf16");
    static final CpuFeatures ZEN3 = CpuFeatures.of("AuthenticAMD", 25, 1, "AMD EPYC 7R13", "sse4_2 avx avx2 fma");
    static final CpuFeatures INTEL_AVX512 = CpuFeatures.of("GenuineIntel", 6, 207, "Intel(R) Xeon(R)", AVX512 + " amx_tile");
    static final CpuFeatures INTEL_AVX2 = CpuFeatures.of("GenuineIntel", 6, 85, "Intel(R) Xeon(R)", "sse4_2 avx avx2 fma");

    @Test
    void theMachineRuleKeepsOpenBlasExceptForTheVectorGemmsMeasuredFasterCpus() {
        // every CPU kind CI may get, whatever this machine is: only Zen 5's 512-bit vector GEMM takes every product
        assertTrue(GemmRule.javaGemmFirst(ZEN5, 512));
        assertTrue(GemmRule.javaGemmFirst(CpuFeatures.of("AuthenticAMD", 27, 0, "a later AMD", AVX512), 512));
        assertFalse(GemmRule.javaGemmFirst(ZEN5, 256), "Zen 5 under -XX:UseAVX=2: the 256-bit GEMM trails OpenBLAS");
        assertFalse(GemmRule.javaGemmFirst(ZEN5, 0), "no vector GEMM: the scalar one never beats OpenBLAS");
        assertFalse(GemmRule.javaGemmFirst(ZEN4, 512));
        assertFalse(GemmRule.javaGemmFirst(ZEN3, 256));
        assertFalse(GemmRule.javaGemmFirst(INTEL_AVX512, 512));
        assertFalse(GemmRule.javaGemmFirst(INTEL_AVX2, 256));
        assertFalse(GemmRule.javaGemmFirst(CpuFeatures.of("AuthenticAMD", 26, 2, "AMD without AVX-512", "avx2 fma"), 512));
        assertFalse(GemmRule.javaGemmFirst(CpuFeatures.unknown(), 512));

        // Zen 5: OpenBLAS only for one or two rows (GemmRule.fewRows: a served request of one sample)
        GemmRule zen5 = GemmRule.forMachine(ZEN5, 512);
        assertFalse(zen5.never());
        assertTrue(zen5.fewRowsToBlas());
        assertFalse(zen5.useBlas(false, true, 128, 512, 784));
        assertFalse(zen5.useBlas(false, false, 1024, 1024, 1024));
        assertFalse(zen5.useBlas(false, true, 3, 512, 784));
        assertTrue(zen5.useBlas(false, true, 1, 512, 784));
        assertTrue(zen5.useBlas(false, false, 1, 512, 784));
        assertTrue(zen5.useBlas(true, false, 1, 512, 784));
        assertTrue(zen5.useBlas(false, true, 2, 512, 784));
        assertTrue(zen5.useBlas(false, true, 2, 256, 128), "two rows, N at most 512");
        assertTrue(zen5.useBlas(false, true, 2, 10, 3136), "two rows, K past 256");
        assertFalse(zen5.useBlas(false, true, 2, 1024, 256), "two rows, wide and shallow: the vector GEMM is faster");
        assertFalse(zen5.useBlas(false, false, 1, 16, 16), "n·k below FEW_ROWS_MIN_NK");
        assertTrue(zen5.useBlas(false, true, 1, 64, 64), "n·k at FEW_ROWS_MIN_NK");
        assertTrue(zen5.toString().startsWith("1-2 rows (GemmRule.fewRows) (AMD family 26"), zen5.toString());
        for (CpuFeatures cpu : List.of(ZEN4, ZEN3, INTEL_AVX512, INTEL_AVX2, CpuFeatures.unknown())) {
            GemmRule r = GemmRule.forMachine(cpu, 512);
            assertEquals(GemmRule.DEFAULT_MIN_WORK, r.minWork(), cpu.toString());
            assertFalse(r.fewRowsToBlas(), cpu.toString());
            assertTrue(r.useBlas(false, true, 128, 512, 784), cpu.toString());
            assertTrue(r.useBlas(false, true, 1, 512, 784), cpu.toString());
            assertFalse(r.useBlas(false, false, 2, 2, 2), cpu.toString());
        }
        assertEquals(GemmRule.DEFAULT_MIN_WORK, GemmRule.forMachine(ZEN5, 256).minWork());
        assertFalse(GemmRule.forMachine(ZEN5, 256).fewRowsToBlas());
        assertTrue(new GemmRule(GemmRule.NEVER, "off").never());
        assertFalse(new GemmRule(GemmRule.NEVER, "off").useBlas(false, true, 1, 512, 784), "a rule by work alone sends no few-row product");
        assertThrows(IllegalArgumentException.class, () -> new GemmRule(5, " "));
    }

    @Test
    void aNeverRuleRunsEveryGemmAndConvolutionOnTheVectorBackendWithItsBits() {
        // whether or not OpenBLAS is installed: it is neither loaded nor reported missing
        BlasBackendFactory absent = new BlasBackendFactory("libvectorgrad-absent.so");
        GemmRule never = new GemmRule(GemmRule.NEVER, "no product to OpenBLAS (test)");
        ConvGeometry g = ConvGeometry.simple(3, 4, 9, 9, 8, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(5);
        float[] x = random(r, g.inputSize()), w = random(r, g.weightSize()), dy = random(r, g.outputSize());
        float[] a = random(r, 64 * 96), bb = random(r, 96 * 80);
        for (int threads : new int[] {1, 2}) {
            try (FamilyBackend auto = factory.create(threads, Backends.factories().get("vector"), absent, never);
                 Backend vector = Backends.create("vector", threads)) {
                assertTrue(warnings.isEmpty(), warnings.toString());
                assertTrue(gemmOf(auto).describe().contains("OpenBLAS not used"), gemmOf(auto).describe());
                assertFalse(gemmOf(auto).choose(false, false, 1024, 1024, 1024) instanceof BlasGemm);
                float[] got = new float[64 * 80], want = new float[64 * 80];
                auto.gemm().gemm(false, false, 64, 80, 96, 1f, a, 0, 96, bb, 0, 80, 0f, got, 0, 80);
                vector.gemm().gemm(false, false, 64, 80, 96, 1f, a, 0, 96, bb, 0, 80, 0f, want, 0, 80);
                assertArrayEquals(want, got, threads + " threads: the vector GEMM's bits");
                float[][] viaAuto = conv(auto, g, x, w, dy), viaVector = conv(vector, g, x, w, dy);
                for (int i = 0; i < 3; i++) assertArrayEquals(viaVector[i], viaAuto[i], threads + " threads, conv output " + i);
            }
        }
    }

    @Test
    void theDefaultAutoBackendFollowsThisMachinesRule() {
        BlasBackendFactory blas = new BlasBackendFactory(OpenBlasLoader.configuredName());
        org.vectorgrad.Prerequisites.require(blas.availability().available(), "needs OpenBLAS: " + blas.availability().reason());
        String saved = System.getProperty(GemmRule.PROPERTY);
        System.clearProperty(GemmRule.PROPERTY);
        try (FamilyBackend vector = Backends.factories().get("vector").create(1);
             FamilyBackend auto = factory.create(1, Backends.factories().get("vector"), blas, null)) {
            int bits = AutoBackendFactory.javaGemmBits(vector);
            assertTrue(bits == 128 || bits == 256 || bits == 512, "the vector GEMM's width: " + bits);
            assertEquals(0, ScalarBackend.create().gemm().vectorBits(), "the scalar GEMM has no vector kernels");
            boolean expectBlas = !GemmRule.javaGemmFirst(CpuFeatures.current(), bits);
            assertEquals(expectBlas, gemmOf(auto).choose(false, true, 128, 512, 784) instanceof BlasGemm,
                    CpuFeatures.current() + ", " + bits + " bits: " + gemmOf(auto).describe());
            // no machine's rule leaves OpenBLAS unused: Zen 5's sends it the products of one or two rows
            assertFalse(gemmOf(auto).describe().contains("OpenBLAS not used"), gemmOf(auto).describe());
            assertTrue(gemmOf(auto).choose(false, true, 1, 512, 784) instanceof BlasGemm, gemmOf(auto).describe());
        } finally {
            if (saved != null) System.setProperty(GemmRule.PROPERTY, saved);
        }
    }

    @Test
    void backendsCreatesAutoThroughThisFactory() {
        try (Backend b = Backends.create("auto", 1, s -> { })) {
            assertEquals("auto", b.name());
            assertGemmMatchesOracle(b, 9, 8, 7, false, false);
        }
    }

    @Test
    void convolutionGemmsFollowTheRule() {
        // auto runs the vector convolution kernels with each GEMM sent where the rule says: rule 0 = every conv GEMM
        // on OpenBLAS (bits of the blas backend), a huge rule = none (bits of the vector backend); with two threads
        // the same, each conv GEMM on one OpenBLAS thread inside the convolution's tasks (docs/decisions.md §8)
        BlasBackendFactory blas = new BlasBackendFactory(OpenBlasLoader.configuredName());
        Availability av = blas.availability();
        org.vectorgrad.Prerequisites.require(av.available(), "needs OpenBLAS: " + av.reason());
        ConvGeometry g = ConvGeometry.simple(5, 8, 9, 9, 16, 3, 1, 1);
        SplittableRandom r = new SplittableRandom(11);
        float[] x = random(r, g.inputSize()), w = random(r, g.weightSize()), dy = random(r, g.outputSize());
        try (FamilyBackend allBlas = factory.create(1, Backends.factories().get("vector"), blas, new GemmRule(0));
             FamilyBackend noBlas = factory.create(1, Backends.factories().get("vector"), blas, new GemmRule(Long.MAX_VALUE));
             FamilyBackend twoThreads = factory.create(2, Backends.factories().get("vector"), blas, new GemmRule(0));
             FamilyBackend twoNoBlas = factory.create(2, Backends.factories().get("vector"), blas, new GemmRule(Long.MAX_VALUE));
             Backend blasOnly = blas.create(1);
             Backend blasTwo = blas.create(2);
             Backend vector = Backends.create("vector", 1);
             Backend vector2 = Backends.create("vector", 2)) {
            assertTrue(gemmOf(allBlas).describe().contains("conv"), gemmOf(allBlas).describe());
            float[][] viaAll = conv(allBlas, g, x, w, dy), viaNone = conv(noBlas, g, x, w, dy);
            float[][] viaBlas = conv(blasOnly, g, x, w, dy), viaVector = conv(vector, g, x, w, dy);
            float[][] viaTwo = conv(twoThreads, g, x, w, dy), viaVector2 = conv(vector2, g, x, w, dy);
            float[][] viaTwoNone = conv(twoNoBlas, g, x, w, dy), viaBlasTwo = conv(blasTwo, g, x, w, dy);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(viaBlas[i], viaAll[i], "output " + i + " with every conv GEMM on OpenBLAS");
                assertArrayEquals(viaVector[i], viaNone[i], "output " + i + " with no conv GEMM on OpenBLAS");
                assertArrayEquals(viaBlasTwo[i], viaTwo[i], "output " + i + ": with 2 threads, conv GEMMs on OpenBLAS as under blas");
                assertArrayEquals(viaVector2[i], viaTwoNone[i], "output " + i + ": with 2 threads and no BLAS by the rule, vector's bits");
                // one OpenBLAS thread per conv GEMM whatever the backend's thread count: the 1-thread bits
                assertArrayEquals(viaBlas[i], viaBlasTwo[i], "output " + i + ": blas conv GEMMs run on one OpenBLAS thread each");
            }
            assertFalse(Arrays.equals(viaAll[0], viaNone[0]), "the two GEMMs should round differently on this shape");
        }
    }

    @Test
    void aMostlyZeroOpAGoesToTheJavaGemmsZeroSkippingPathWhateverTheRule() {
        // auto at 256 bits (AVX2 CPUs, where the rule sends every product to OpenBLAS): a dense layer's product whose
        // op(A) is a ReLU's output or masked gradient runs on the vector GEMM's sparse-rows path (decisions §2bt)
        BlasBackendFactory blasFactory = new BlasBackendFactory(OpenBlasLoader.configuredName());
        org.vectorgrad.Prerequisites.require(blasFactory.availability().available(), "needs OpenBLAS: " + blasFactory.availability().reason());
        SplittableRandom r = new SplittableRandom(13);
        int m = 128, n = 512, k = 256;
        float[] sparseA = random(r, m * k), denseA = random(r, m * k), b = random(r, k * n);
        for (int i = 0; i < sparseA.length; i++) if (r.nextDouble() < 0.8) sparseA[i] = r.nextBoolean() ? 0f : -0f;
        try (org.vectorgrad.parallel.Dispatcher d = new org.vectorgrad.parallel.Dispatcher(1)) {
            Gemm java = org.vectorgrad.backend.vector.gemm.BlockedGemm.withSparseRows(
                    org.vectorgrad.backend.vector.gemm.GemmBlocking.forBits(256), d, Long.MAX_VALUE, true);
            BlasGemm blas = blasFactory.gemm(java);
            GemmRule everyProduct = new GemmRule(0);
            AutoGemm router = new AutoGemm(blas, java, "vector", everyProduct, true);
            AutoGemm byRule = new AutoGemm(blas, java, "vector", everyProduct, false);
            assertSame(java, router.chooseFor(false, false, m, n, k, sparseA, 0, k));
            assertSame(java, router.chooseFor(false, true, m, n, k, sparseA, 0, k), "op(B) transposed");
            assertSame(blas, router.chooseFor(false, false, m, n, k, denseA, 0, k), "op(A) without zeros: the rule");
            assertSame(blas, byRule.chooseFor(false, false, m, n, k, sparseA, 0, k), "a router without zerosToJava: the rule");
            assertTrue(router.describe().contains("skip op(A)'s zeros"), router.describe());
            assertFalse(byRule.describe().contains("skip op(A)'s zeros"), byRule.describe());

            // the bits are the Java GEMM's (beta 0.5 reads C), and close to OpenBLAS's
            float[] c0 = random(r, m * n), viaRouter = c0.clone(), viaJava = c0.clone(), viaBlas = c0.clone();
            router.gemm(false, false, m, n, k, 1f, sparseA, 0, k, b, 0, n, 0.5f, viaRouter, 0, n);
            java.gemm(false, false, m, n, k, 1f, sparseA, 0, k, b, 0, n, 0.5f, viaJava, 0, n);
            blas.gemm(false, false, m, n, k, 1f, sparseA, 0, k, b, 0, n, 0.5f, viaBlas, 0, n);
            assertArrayEquals(viaJava, viaRouter);
            for (int i = 0; i < viaBlas.length; i++) assertEquals(viaBlas[i], viaRouter[i], 1e-4f, "C[" + i + "]");

            // a NaN in op(B) still reaches C: the Java GEMM declines its sparse path and runs dense
            float[] bad = b.clone();
            bad[7 * n + 9] = Float.NaN;
            for (int i = 0; i < m; i++) sparseA[i * k + 7] = 1f; // every row meets op(B)'s row 7
            float[] got = new float[m * n];
            assertSame(java, router.chooseFor(false, false, m, n, k, sparseA, 0, k));
            router.gemm(false, false, m, n, k, 1f, sparseA, 0, k, bad, 0, n, 0f, got, 0, n);
            for (int i = 0; i < m; i++) assertTrue(Float.isNaN(got[i * n + 9]), "C[" + i + ", 9] = " + got[i * n + 9]);

            // the factory's dense-layer router leaves such products to the Java GEMM; its conv router does not
            AutoGemm[] routers = AutoBackendFactory.routers(blas, blas, java, "vector", everyProduct);
            assertSame(java, routers[0].chooseFor(false, false, m, n, k, sparseA, 0, k));
            assertSame(blas, routers[1].chooseFor(false, false, m, n, k, sparseA, 0, k));
            try (FamilyBackend auto = factory.create(1, Backends.factories().get("vector"), blasFactory, everyProduct)) {
                assertTrue(gemmOf(auto).describe().contains("skip op(A)'s zeros"), gemmOf(auto).describe());
            }
        }
    }

    private static AutoGemm gemmOf(Backend b) {
        return (AutoGemm) b.gemm();
    }

    /** Forward output, input gradient and weight gradient of one convolution on {@code b}. */
    private static float[][] conv(Backend b, ConvGeometry g, float[] x, float[] w, float[] dy) {
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        b.convolution().forward(g, x, 0, w, 0, null, 0, y, 0, new Scratch());
        b.convolution().backwardData(g, dy, 0, w, 0, dx, 0, new Scratch());
        b.convolution().backwardWeights(g, x, 0, dy, 0, dw, 0, null, 0, new Scratch());
        return new float[][] {y, dx, dw};
    }
}
