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
            System.setProperty(GemmRule.PROPERTY, "12345");
            assertEquals(12345, GemmRule.fromSystemProperties().minWork());
            System.setProperty(GemmRule.PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GemmRule::fromSystemProperties);
            assertTrue(e.getMessage().contains(GemmRule.PROPERTY), e.getMessage());
            System.clearProperty(GemmRule.PROPERTY);
            assertEquals(GemmRule.DEFAULT_MIN_WORK, GemmRule.fromSystemProperties().minWork());
        } finally {
            if (saved == null) System.clearProperty(GemmRule.PROPERTY); else System.setProperty(GemmRule.PROPERTY, saved);
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
