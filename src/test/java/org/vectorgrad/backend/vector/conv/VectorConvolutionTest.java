package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.parallel.Dispatcher;

/** The vector convolution kernels against the scalar reference, on random geometries, for 1, 2 and 3 threads. */
class VectorConvolutionTest {
    private static final Backend SCALAR = ScalarBackend.create();
    private static Dispatcher d1, d2, d3;

    @BeforeAll
    static void pools() {
        d1 = new Dispatcher(1);
        d2 = new Dispatcher(2);
        d3 = new Dispatcher(3);
    }

    @AfterAll
    static void close() {
        d1.close();
        d2.close();
        d3.close();
    }

    /** Random geometries covering odd sizes, stride 2, padding 0..2 per side, dilation 2, groups, 1×1, batch 1 and 3. */
    static List<ConvGeometry> randomGeometries(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ConvGeometry> out = new ArrayList<>();
        while (out.size() < count) {
            int groups = new int[] {1, 1, 2, 3}[r.nextInt(4)];
            int cg = 1 + r.nextInt(3), og = 1 + r.nextInt(3);
            boolean depthwise = r.nextInt(5) == 0;
            int in = depthwise ? 2 + r.nextInt(4) : groups * cg;
            int outC = depthwise ? in * (1 + r.nextInt(2)) : groups * og;
            int g = depthwise ? in : groups;
            int kh = new int[] {1, 2, 3, 3, 5}[r.nextInt(5)], kw = r.nextInt(3) == 0 ? new int[] {1, 2, 3}[r.nextInt(3)] : kh;
            int sh = 1 + r.nextInt(2), sw = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : sh;
            int dh = r.nextInt(4) == 0 ? 2 : 1, dw = r.nextInt(4) == 0 ? 2 : 1;
            int h = 1 + r.nextInt(11), w = 1 + r.nextInt(11);
            int pt = r.nextInt(3), pb = r.nextBoolean() ? pt : r.nextInt(3), pl = r.nextInt(3), pr = r.nextBoolean() ? pl : r.nextInt(3);
            int batch = r.nextBoolean() ? 1 : 3;
            try {
                out.add(new ConvGeometry(batch, in, h, w, outC, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, g));
            } catch (IllegalArgumentException invalid) {
                // kernel larger than the padded input: draw again
            }
        }
        return out;
    }

    /** Named shapes: pointwise, the single-channel direct path, the reference CNN's layers (small batch). */
    static List<ConvGeometry> namedGeometries() {
        return List.of(
                ConvGeometry.simple(3, 4, 5, 7, 6, 1, 1, 0),                                       // 1×1: no im2col
                new ConvGeometry(2, 6, 5, 3, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2),                   // 1×1 grouped
                ConvGeometry.simple(3, 4, 9, 9, 5, 1, 2, 0),                                       // 1×1 stride 2: im2col
                ConvGeometry.simple(2, 1, 28, 28, 32, 3, 1, 1),                                    // conv1 of the reference CNN
                ConvGeometry.simple(2, 32, 14, 14, 64, 3, 1, 1),                                   // conv2 of the reference CNN
                new ConvGeometry(3, 1, 13, 17, 6, 3, 5, 2, 1, 2, 0, 1, 2, 2, 1, 1),                 // direct path: stride 2 in H, per-side pad, dilation
                new ConvGeometry(1, 1, 1, 40, 5, 1, 3, 1, 1, 0, 0, 1, 1, 1, 2, 1),                  // direct path, 1-high rows, width past a vector
                ConvGeometry.simple(1, 1, 5, 5, 3, 5, 1, 0),                                       // kernel = image: 1×1 output
                ConvGeometry.simple(2, 1, 9, 20, 5, 3, 1, 1),                                      // direct 3×3, odd channel count
                new ConvGeometry(1, 1, 11, 19, 3, 3, 3, 2, 1, 1, 2, 2, 0, 2, 2, 1),                 // direct 3×3 dilated, stride 2 in H
                ConvGeometry.simple(3, 1, 16, 16, 7, 3, 1, 0),                                     // direct, output row = 14 (< one AVX-512 vector)
                new ConvGeometry(3, 6, 7, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6),                   // depthwise stride 2, odd input
                new ConvGeometry(2, 3, 6, 37, 4, 3, 3, 1, 1, 1, 0, 2, 1, 1, 1, 1),                  // rows past two vectors + tail
                new ConvGeometry(2, 4, 9, 35, 4, 3, 2, 2, 1, 0, 2, 1, 1, 2, 2, 2));                 // wide, stride 2 in H, dilated, grouped
    }

    static List<ConvGeometry> allGeometries() {
        List<ConvGeometry> all = new ArrayList<>(namedGeometries());
        all.addAll(randomGeometries(2024, 60));
        return all;
    }

    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** |a - b| <= tol·(1 + |b|) elementwise, with the first offending index in the message. */
    static void assertClose(String what, float[] expected, float[] actual, int n, float tol) {
        for (int i = 0; i < n; i++) {
            float e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
                fail(what + ": element " + i + " expected " + e + " got " + a);
            }
        }
    }

    @Test
    void forwardMatchesScalarReference() {
        for (ConvGeometry g : allGeometries()) {
            float[] x = random(1, g.inputSize()), w = random(2, g.weightSize()), b = random(3, g.outChannels());
            for (boolean withBias : new boolean[] {false, true}) {
                float[] expected = new float[g.outputSize()];
                SCALAR.convolution().forward(g, x, 0, w, 0, withBias ? b : null, 0, expected, 0, null);
                float[] actual = new float[g.outputSize()];
                java.util.Arrays.fill(actual, Float.NaN); // output is overwritten, never read
                new VectorConvolution(SCALAR.gemm(), d2).forward(g, x, 0, w, 0, withBias ? b : null, 0, actual, 0, new Scratch());
                assertClose("forward " + g + " bias " + withBias, expected, actual, g.outputSize(), 1e-5f);
            }
        }
    }

    @Test
    void backwardDataMatchesScalarReference() {
        for (ConvGeometry g : allGeometries()) {
            float[] dy = random(4, g.outputSize()), w = random(5, g.weightSize());
            float[] expected = new float[g.inputSize()];
            SCALAR.convolution().backwardData(g, dy, 0, w, 0, expected, 0, null);
            float[] actual = new float[g.inputSize()];
            java.util.Arrays.fill(actual, Float.NaN);
            new VectorConvolution(SCALAR.gemm(), d2).backwardData(g, dy, 0, w, 0, actual, 0, new Scratch());
            assertClose("backward-data " + g, expected, actual, g.inputSize(), 1e-5f);
        }
    }

    @Test
    void backwardWeightsAccumulatesLikeScalarReference() {
        for (ConvGeometry g : allGeometries()) {
            float[] x = random(6, g.inputSize()), dy = random(7, g.outputSize());
            float[] dw0 = random(8, g.weightSize()), db0 = random(9, g.outChannels());
            float[] dwE = dw0.clone(), dbE = db0.clone(), dwA = dw0.clone(), dbA = db0.clone();
            SCALAR.convolution().backwardWeights(g, x, 0, dy, 0, dwE, 0, dbE, 0, null);
            new VectorConvolution(SCALAR.gemm(), d2).backwardWeights(g, x, 0, dy, 0, dwA, 0, dbA, 0, new Scratch());
            assertClose("backward-weights dw " + g, dwE, dwA, g.weightSize(), 1e-5f);
            assertClose("backward-weights db " + g, dbE, dbA, g.outChannels(), 1e-5f);
            float[] dwNoBias = dw0.clone();
            new VectorConvolution(SCALAR.gemm(), d1).backwardWeights(g, x, 0, dy, 0, dwNoBias, 0, null, 0, new Scratch());
            assertClose("backward-weights without db " + g, dwE, dwNoBias, g.weightSize(), 1e-5f);
        }
    }

    @Test
    void batchLargerThanTheWeightChunksIsSummedCompletely() {
        // 29 images over 12 fixed chunks (uneven) for backward-weights; every image must count exactly once.
        ConvGeometry g = new ConvGeometry(29, 4, 6, 5, 6, 3, 3, 1, 1, 1, 1, 0, 1, 1, 1, 2);
        float[] x = random(10, g.inputSize()), dy = random(11, g.outputSize());
        float[] dwE = new float[g.weightSize()], dbE = new float[g.outChannels()];
        float[] dwA = new float[g.weightSize()], dbA = new float[g.outChannels()];
        SCALAR.convolution().backwardWeights(g, x, 0, dy, 0, dwE, 0, dbE, 0, null);
        new VectorConvolution(SCALAR.gemm(), d3).backwardWeights(g, x, 0, dy, 0, dwA, 0, dbA, 0, new Scratch());
        assertClose("dw", dwE, dwA, dwE.length, 2e-5f);
        assertClose("db", dbE, dbA, dbE.length, 2e-5f);
    }

    @Test
    void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads() {
        List<ConvGeometry> shapes = new ArrayList<>(namedGeometries());
        for (ConvGeometry g : randomGeometries(77, 15)) shapes.add(g.withBatch(7));
        shapes.add(ConvGeometry.simple(13, 3, 6, 6, 4, 3, 1, 1));
        for (ConvGeometry g : shapes) {
            float[] x = random(12, g.inputSize()), w = random(13, g.weightSize()), b = random(14, g.outChannels());
            float[] dy = random(15, g.outputSize());
            float[][] y = new float[3][], dx = new float[3][], dw = new float[3][], db = new float[3][];
            Dispatcher[] ds = {d1, d2, d3};
            for (int t = 0; t < 3; t++) {
                VectorConvolution conv = new VectorConvolution(SCALAR.gemm(), ds[t]);
                Scratch s = new Scratch();
                y[t] = new float[g.outputSize()];
                conv.forward(g, x, 0, w, 0, b, 0, y[t], 0, s);
                dx[t] = new float[g.inputSize()];
                conv.backwardData(g, dy, 0, w, 0, dx[t], 0, s);
                dw[t] = new float[g.weightSize()];
                db[t] = new float[g.outChannels()];
                conv.backwardWeights(g, x, 0, dy, 0, dw[t], 0, db[t], 0, s);
            }
            for (int t = 1; t < 3; t++) {
                String m = (t + 1) + " threads vs 1 for " + g;
                assertArrayEquals(y[0], y[t], "forward, " + m);
                assertArrayEquals(dx[0], dx[t], "backward-data, " + m);
                assertArrayEquals(dw[0], dw[t], "backward-weights, " + m);
                assertArrayEquals(db[0], db[t], "bias gradient, " + m);
            }
        }
    }

    @Test
    void gemmThatDispatchesItselfRunsInlineInsideTheConvolutionTasks() {
        // At run time the GEMM belongs to the vector backend and uses the same dispatcher as the convolution;
        // a GEMM that splits its rows through that dispatcher must neither deadlock nor corrupt the batch split.
        Gemm nested = nestedGemm(d2);
        for (ConvGeometry g : List.of(ConvGeometry.simple(5, 3, 7, 7, 4, 3, 1, 1), ConvGeometry.simple(4, 2, 6, 6, 6, 1, 1, 0))) {
            float[] x = random(16, g.inputSize()), w = random(17, g.weightSize()), dy = random(18, g.outputSize());
            float[] yE = new float[g.outputSize()], yA = new float[g.outputSize()];
            SCALAR.convolution().forward(g, x, 0, w, 0, null, 0, yE, 0, null);
            new VectorConvolution(nested, d2).forward(g, x, 0, w, 0, null, 0, yA, 0, new Scratch());
            assertClose("forward with nested GEMM", yE, yA, yE.length, 1e-5f);
            float[] dxE = new float[g.inputSize()], dxA = new float[g.inputSize()];
            SCALAR.convolution().backwardData(g, dy, 0, w, 0, dxE, 0, null);
            new VectorConvolution(nested, d2).backwardData(g, dy, 0, w, 0, dxA, 0, new Scratch());
            assertClose("backward-data with nested GEMM", dxE, dxA, dxE.length, 1e-5f);
            float[] dwE = new float[g.weightSize()], dwA = new float[g.weightSize()];
            SCALAR.convolution().backwardWeights(g, x, 0, dy, 0, dwE, 0, null, 0, null);
            new VectorConvolution(nested, d2).backwardWeights(g, x, 0, dy, 0, dwA, 0, null, 0, new Scratch());
            assertClose("backward-weights with nested GEMM", dwE, dwA, dwE.length, 1e-5f);
        }
    }

    /** A GEMM that computes row blocks of C in parallel through {@code d}, each on the scalar reference. */
    private static Gemm nestedGemm(Dispatcher d) {
        return new Gemm() {
            @Override
            protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                d.forEach(m, i -> SCALAR.gemm().gemm(transA, transB, 1, n, k, alpha, a, aOff + (transA ? i : i * lda), lda,
                        b, bOff, ldb, beta, c, cOff + i * ldc, ldc));
            }
        };
    }

    @Test
    void scalarReferenceMatchesAHandComputedConvolution() {
        // 1 image, 1 channel 3×3 input 1..9, 2×2 kernel [[1, 0], [0, -1]], bias 0.5, stride 1, no padding:
        // y[i][j] = x[i][j] - x[i+1][j+1] + 0.5 = -4 + 0.5 everywhere.
        ConvGeometry g = ConvGeometry.simple(1, 1, 3, 3, 1, 2, 1, 0);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 0, 0, -1}, b = {0.5f};
        float[] y = new float[4];
        SCALAR.convolution().forward(g, x, 0, w, 0, b, 0, y, 0, null);
        assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, y);
        float[] yv = new float[4];
        new VectorConvolution(SCALAR.gemm(), d1).forward(g, x, 0, w, 0, b, 0, yv, 0, new Scratch());
        assertArrayEquals(y, yv);
    }

    @Test
    void arraysTooSmallAreRejectedWithTheShapes() {
        ConvGeometry g = ConvGeometry.simple(2, 3, 5, 5, 4, 3, 1, 1);
        VectorConvolution conv = new VectorConvolution(SCALAR.gemm(), d1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(g, new float[10], 0, new float[g.weightSize()], 0, null, 0, new float[g.outputSize()], 0, new Scratch()));
        assertTrue(e.getMessage().contains("conv2d forward") && e.getMessage().contains("needs " + g.inputSize()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> conv.backwardWeights(g, new float[g.inputSize()], 0, new float[g.outputSize()], 0, new float[g.weightSize()], 0, new float[2], 0, new Scratch()));
        assertTrue(e.getMessage().contains("db has 2 elements, expected 4"), e.getMessage());
    }

    @Test
    void pointwiseAndDirectPathsAreTheOnesTaken() {
        // Guards the dispatch rules the fast paths rely on (a silent fall-back would hide a slow path).
        assertTrue(VectorConvolution.isPointwise(ConvGeometry.simple(1, 4, 5, 5, 2, 1, 1, 0)));
        assertEquals(false, VectorConvolution.isPointwise(ConvGeometry.simple(1, 4, 5, 5, 2, 1, 2, 0)));
        assertTrue(DirectSingleChannel.applies(ConvGeometry.simple(1, 1, 28, 28, 32, 3, 1, 1)));
        assertEquals(false, DirectSingleChannel.applies(ConvGeometry.simple(1, 1, 28, 28, 32, 3, 2, 1)));
    }
}
