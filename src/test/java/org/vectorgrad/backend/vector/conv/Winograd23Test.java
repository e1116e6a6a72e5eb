package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.elementwise.Lanes;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The Winograd F(2×2, 3×3) path, forward and backward-data: its vector transforms against their scalar twin
 * (bitwise), the whole convolution and its input gradient against direct sums in double, the range guard that sends
 * non-finite and huge inputs to im2col, the filter caches, and the same bits at any thread count and chunking.
 */
class Winograd23Test {
    private static final Backend SCALAR = ScalarBackend.create();
    private static final int L = Lanes.F.length();
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

    /**
     * Sizes around the vector width: 1-wide, odd, one tile row per vector and several, rows wider than 2 vectors, and
     * heights of whole pairs of tile rows (4, 12), where the two-tile-row passes read their last rows.
     */
    private static final int[] SIDES = {1, 2, 3, 4, 5, 7, 12, 13, 14, 15, 2 * L - 1, 2 * L + 3, 4 * L + 6};

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /**
     * The 16 points' {@code channels × tiles} values of two transformed buffers (leading dimension {@code ld}) are
     * the same bits; the slack past the last tile is not compared.
     */
    private static void assertSameTransformedBits(float[] expected, float[] found, int channels, int tiles, int ld, String what) {
        for (int p = 0; p < Winograd23.POINTS; p++) {
            for (int c = 0; c < channels; c++) {
                int at = (p * channels + c) * ld;
                for (int t = 0; t < tiles; t++) {
                    if (Float.floatToRawIntBits(found[at + t]) != Float.floatToRawIntBits(expected[at + t])) {
                        fail(what + ": point " + p + " channel " + c + " tile " + t + ": " + expected[at + t] + " expected, "
                                + found[at + t] + " found");
                    }
                }
            }
        }
    }

    @Test
    void inputTransformGivesTheScalarTwinsBits() {
        // SIDES take both vector paths: rows held in one register (w <= L - 2) and the even/odd padded copies
        assertTrue(Winograd23.rowInOneVector(1) && Winograd23.rowInOneVector(L - 2) && !Winograd23.rowInOneVector(L - 1)
                && !Winograd23.rowInOneVector(2 * L - 1), "the narrow-row rule at " + L + " lanes");
        assertTrue(Arrays.stream(SIDES).anyMatch(Winograd23::rowInOneVector) && Arrays.stream(SIDES).anyMatch(w -> !Winograd23.rowInOneVector(w)));
        SplittableRandom r = new SplittableRandom(1);
        for (int h : SIDES) {
            for (int w : SIDES) {
                int images = 1 + r.nextInt(3), channels = 1 + r.nextInt(4);
                int tiles = images * Winograd23.tilesPerImage(h, w), ld = Winograd23.leadingDimension(tiles);
                // the planes start past a few floats, and the array ends right after the last one
                int off = r.nextInt(5);
                float[] x = random(h * 100 + w, off + images * channels * h * w);
                float[] fast = new float[Winograd23.bufferSize(channels, tiles)];
                float[] slow = new float[Winograd23.bufferSize(channels, tiles)];
                Arrays.fill(fast, Float.NaN);
                Arrays.fill(slow, Float.NaN);
                Winograd23.transformInput(x, off, images, channels, h, w, fast, ld, new float[Winograd23.padSize(h, w)]);
                Winograd23Scalar.transformInput(x, off, images, channels, h, w, slow, ld, new float[Winograd23Scalar.padSize(h, w)]);
                assertSameTransformedBits(slow, fast, channels, tiles, ld,
                        "input transform " + h + "x" + w + ", " + images + " images, " + channels + " channels");
            }
        }
    }

    @Test
    void outputTransformGivesTheScalarTwinsBitsAndWritesOnlyItsImages() {
        SplittableRandom r = new SplittableRandom(2);
        for (int h : SIDES) {
            for (int w : SIDES) {
                int images = 1 + r.nextInt(3), outCh = 1 + r.nextInt(4);
                int tiles = images * Winograd23.tilesPerImage(h, w), ld = Winograd23.leadingDimension(tiles);
                float[] m = random(h * 31 + w, Winograd23.bufferSize(outCh, tiles));
                float[] bias = random(7, outCh + 2);
                boolean withBias = r.nextBoolean();
                int before = r.nextInt(4), n = images * outCh * h * w, after = r.nextInt(3);
                float[] fast = new float[before + n + after], slow = new float[before + n + after];
                Arrays.fill(fast, -7f);
                Arrays.fill(slow, -7f);
                Winograd23.transformOutput(m, ld, images, outCh, h, w, withBias ? bias : null, 2, fast, before, new float[L]);
                Winograd23Scalar.transformOutput(m, ld, images, outCh, h, w, withBias ? bias : null, 2, slow, before);
                String what = "output transform " + h + "x" + w + ", " + images + " images, " + outCh + " channels";
                assertArrayEquals(slow, fast, what);   // the same bits, and nothing written around the images
                for (int i = 0; i < n; i++) assertTrue(fast[before + i] != -7f, what + ": element " + i + " not written");
            }
        }
    }

    @Test
    void filterTransformGivesTheScalarTwinsBits() {
        for (int[] oc : new int[][] {{1, 1}, {3, 5}, {16, 16}, {64, 32}, {7, L + 1}}) {
            float[] w = random(oc[0] * 10 + oc[1], 3 + oc[0] * oc[1] * 9);
            float[] fast = new float[Winograd23.filterBufferSize(oc[0], oc[1])];
            float[] slow = new float[Winograd23.POINTS * oc[0] * oc[1]];
            Winograd23.transformWeights(w, 3, oc[0], oc[1], fast);
            Winograd23Scalar.transformWeights(w, 3, oc[0], oc[1], slow);
            assertArrayEquals(slow, Arrays.copyOf(fast, slow.length), oc[0] + "x" + oc[1] + " filters");
        }
    }

    @Test
    void rotatedFilterTransformIsTheTransformOfTheRotatedFilters() {
        for (int[] oc : new int[][] {{1, 1}, {3, 5}, {16, 16}, {64, 32}, {7, L + 1}}) {
            int outCh = oc[0], inCh = oc[1];
            float[] w = random(outCh * 10 + inCh + 5, 3 + outCh * inCh * 9);
            // g'[c][o][a][b] = w[o][c][2 − a][2 − b], written out
            float[] rotated = new float[inCh * outCh * 9];
            for (int o = 0; o < outCh; o++) {
                for (int c = 0; c < inCh; c++) {
                    for (int t = 0; t < 9; t++) rotated[(c * outCh + o) * 9 + 8 - t] = w[3 + (o * inCh + c) * 9 + t];
                }
            }
            float[] fast = new float[Winograd23.filterBufferSize(outCh, inCh)];
            float[] slow = new float[Winograd23.POINTS * outCh * inCh];
            Winograd23.transformWeightsRotated(w, 3, outCh, inCh, fast);
            Winograd23Scalar.transformWeights(rotated, 0, inCh, outCh, slow);
            assertArrayEquals(slow, Arrays.copyOf(fast, slow.length), outCh + "x" + inCh + " rotated filters");
        }
    }

    @Test
    void appliesToSameThreeByThreeConvolutionsWithEnoughChannelsOnly() {
        assertTrue(Winograd23.applies(ConvGeometry.simple(2, 32, 14, 14, 64, 3, 1, 1)));
        assertTrue(Winograd23.applies(ConvGeometry.simple(1, 16, 1, 1, 16, 3, 1, 1)));
        assertFalse(Winograd23.applies(ConvGeometry.simple(2, 8, 14, 14, 64, 3, 1, 1)), "too few input channels");
        assertFalse(Winograd23.applies(ConvGeometry.simple(2, 32, 14, 14, 8, 3, 1, 1)), "too few output channels");
        assertFalse(Winograd23.applies(ConvGeometry.simple(2, 32, 14, 14, 64, 3, 2, 1)), "stride 2");
        assertFalse(Winograd23.applies(ConvGeometry.simple(2, 32, 14, 14, 64, 3, 1, 0)), "no padding");
        assertFalse(Winograd23.applies(ConvGeometry.simple(2, 32, 14, 14, 64, 5, 1, 2)), "5x5");
        assertFalse(Winograd23.applies(new ConvGeometry(2, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2)), "groups");
        assertFalse(Winograd23.applies(new ConvGeometry(2, 32, 14, 14, 64, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1)), "dilation");
        assertFalse(Winograd23.applies(new ConvGeometry(2, 32, 14, 14, 64, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, 1)), "asymmetric padding");
    }

    @Test
    void theSwitchSendsEveryBlockToIm2col() {
        ConvGeometry g = ConvGeometry.simple(3, 16, 6, 7, 16, 3, 1, 1);
        float[] x = random(51, g.inputSize()), w = random(52, g.weightSize());
        float[] on = forward(new VectorConvolution(SCALAR.gemm(), d1), g, x, w, new Scratch());
        VectorConvolution offConv = new VectorConvolution(SCALAR.gemm(), d1, false);
        float[] off = forward(offConv, g, x, w, new Scratch());
        float[] viaOn = forward(offConv.on(SCALAR.gemm()), g, x, w, new Scratch());
        assertArrayEquals(off, viaOn, "on(gemm) keeps the switch");
        assertFalse(Arrays.equals(on, off), "the two paths round differently, so the switch must change some bit");
        float[] expected = new float[g.outputSize()];
        SCALAR.convolution().forward(g, x, 0, w, 0, null, 0, expected, 0, null);
        VectorConvolutionTest.assertClose("im2col path", expected, off, expected.length, 1e-5f);
        float[] dy = random(53, g.outputSize());
        float[] dxOn = backwardData(both(d1), g, dy, w, new Scratch());
        float[] dxOff = backwardData(offConv, g, dy, w, new Scratch());
        assertFalse(Arrays.equals(backwardData(both(d1), g, dy, w, new Scratch()), dxOff), "backward-data forced on");
        assertArrayEquals(dxOff, backwardData(offConv.on(SCALAR.gemm()), g, dy, w, new Scratch()), "on(gemm) keeps the switch, backward-data");
        assertFalse(Arrays.equals(dxOn, dxOff), "backward-data: the switch must change some bit");
        float[] dxExpected = new float[g.inputSize()];
        SCALAR.convolution().backwardData(g, dy, 0, w, 0, dxExpected, 0, null);
        VectorConvolutionTest.assertClose("im2col path, backward-data", dxExpected, dxOff, dxExpected.length, 1e-5f);
        String key = VectorConvolution.WINOGRAD_PROPERTY, old = System.getProperty(key);
        try {
            System.setProperty(key, "false");
            assertFalse(VectorConvolution.winogradFromSystemProperties());
            System.setProperty(key, "TRUE");
            assertTrue(VectorConvolution.winogradFromSystemProperties());
            System.setProperty(key, "no");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    VectorConvolution::winogradFromSystemProperties);
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains("'no'"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(key);
            else System.setProperty(key, old);
        }
    }

    @Test
    void hugeLayersKeepTheirBuffersWithinAnIntIndex() {
        assertTrue(Winograd23.fits(ConvGeometry.simple(128, 32, 14, 14, 64, 3, 1, 1), 4));
        // 64 output channels of 2900 x 2900: the GEMM output would need 16 x 64 x 2.1M floats, past 2^31, where the
        // im2col matrix (144 x 8.4M) and the output (64 x 8.4M) still fit
        ConvGeometry huge = ConvGeometry.simple(1, 16, 2900, 2900, 64, 3, 1, 1);
        assertTrue(Winograd23.applies(huge));
        assertFalse(Winograd23.fits(huge, 1));
    }

    /** Eligible geometries: odd and even sizes, 1×1 and 1-high maps, batches that do and do not fill a block. */
    private static ConvGeometry[] geometries() {
        return new ConvGeometry[] {
                ConvGeometry.simple(5, 16, 14, 14, 16, 3, 1, 1),
                ConvGeometry.simple(3, 17, 7, 9, 20, 3, 1, 1),
                ConvGeometry.simple(2, 32, 1, 1, 16, 3, 1, 1),
                ConvGeometry.simple(1, 16, 1, 2 * L + 3, 18, 3, 1, 1),
                ConvGeometry.simple(9, 18, 6, 5, 16, 3, 1, 1)};
    }

    /** The convolution in double: the reference the float results are held to. */
    private static double[] direct(ConvGeometry g, float[] x, float[] w, float[] bias, double[] magnitude) {
        int n = g.batch(), c = g.inChannels(), o = g.outChannels(), h = g.inH(), wd = g.inW();
        double[] y = new double[g.outputSize()];
        for (int i = 0; i < n; i++) {
            for (int oc = 0; oc < o; oc++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < wd; xx++) {
                        double s = bias == null ? 0 : bias[oc], m = bias == null ? 0 : Math.abs(bias[oc]);
                        for (int ic = 0; ic < c; ic++) {
                            for (int a = 0; a < 3; a++) {
                                for (int b = 0; b < 3; b++) {
                                    int iy = yy + a - 1, ix = xx + b - 1;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    double p = (double) w[((oc * c + ic) * 3 + a) * 3 + b] * x[((i * c + ic) * h + iy) * wd + ix];
                                    s += p;
                                    m += Math.abs(p);
                                }
                            }
                        }
                        int at = ((i * o + oc) * h + yy) * wd + xx;
                        y[at] = s;
                        magnitude[at] = m;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardMatchesTheDirectSumInDouble() {
        for (ConvGeometry g : geometries()) {
            float[] x = random(11, g.inputSize()), w = random(12, g.weightSize()), b = random(13, g.outChannels());
            double[] magnitude = new double[g.outputSize()];
            double[] expected = direct(g, x, w, b, magnitude);
            float[] y = new float[g.outputSize()];
            new VectorConvolution(SCALAR.gemm(), d2).forward(g, x, 0, w, 0, b, 0, y, 0, new Scratch());
            for (int i = 0; i < y.length; i++) {
                // a few float roundings of the terms' magnitudes: 16 transformed products per channel, each a sum of up to 9
                if (!(Math.abs(y[i] - expected[i]) <= 2e-6 * magnitude[i] + 1e-7)) {
                    fail(g + ": output " + i + " expected " + expected[i] + " found " + y[i]);
                }
            }
        }
    }

    /** The input gradient in double: dx[n][c][y][x] = Σ w[o][c][a][b] · dy[n][o][y − a + 1][x − b + 1]. */
    private static double[] directBackwardData(ConvGeometry g, float[] dy, float[] w, double[] magnitude) {
        int n = g.batch(), c = g.inChannels(), o = g.outChannels(), h = g.inH(), wd = g.inW();
        double[] dx = new double[g.inputSize()];
        for (int i = 0; i < n; i++) {
            for (int ic = 0; ic < c; ic++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < wd; xx++) {
                        double s = 0, m = 0;
                        for (int oc = 0; oc < o; oc++) {
                            for (int a = 0; a < 3; a++) {
                                for (int b = 0; b < 3; b++) {
                                    int oy = yy - a + 1, ox = xx - b + 1;
                                    if (oy < 0 || oy >= h || ox < 0 || ox >= wd) continue;
                                    double p = (double) w[((oc * c + ic) * 3 + a) * 3 + b] * dy[((i * o + oc) * h + oy) * wd + ox];
                                    s += p;
                                    m += Math.abs(p);
                                }
                            }
                        }
                        int at = ((i * c + ic) * h + yy) * wd + xx;
                        dx[at] = s;
                        magnitude[at] = m;
                    }
                }
            }
        }
        return dx;
    }

    @Test
    void backwardDataMatchesTheDirectSumInDouble() {
        for (ConvGeometry g : geometries()) {
            float[] dy = random(14, g.outputSize()), w = random(15, g.weightSize());
            double[] magnitude = new double[g.inputSize()];
            double[] expected = directBackwardData(g, dy, w, magnitude);
            float[] dx = backwardData(both(d2), g, dy, w, new Scratch());
            for (int i = 0; i < dx.length; i++) {
                if (!(Math.abs(dx[i] - expected[i]) <= 2e-6 * magnitude[i] + 1e-7)) {
                    fail(g + ": input gradient " + i + " expected " + expected[i] + " found " + dx[i]);
                }
            }
            // and it is the Winograd path, not im2col: their roundings differ somewhere
            float[] im2col = backwardData(new VectorConvolution(SCALAR.gemm(), d2, true, false), g, dy, w, new Scratch());
            assertFalse(Arrays.equals(dx, im2col), g + ": backward-data did not take the Winograd path");
        }
    }

    @Test
    void backwardDataGivesTheSameBitsAtAnyThreadCountAndOnChunksOfTheBatch() {
        for (ConvGeometry g : geometries()) {
            float[] dy = random(24, g.outputSize()), w = random(25, g.weightSize());
            VectorConvolution one = both(d1);
            float[] dx1 = backwardData(one, g, dy, w, new Scratch());
            for (Dispatcher d : new Dispatcher[] {d2, d3}) {
                assertArrayEquals(dx1, backwardData(both(d), g, dy, w, new Scratch()),
                        g + " on " + d.threads() + " threads");
            }
            int block = one.imageBlock(g), image = g.inChannels() * g.inH() * g.inW(), out = g.outChannels() * g.inH() * g.inW();
            float[] dx = new float[g.inputSize()];
            Scratch s = new Scratch();
            for (int n0 = 0; n0 < g.batch(); n0 += block) {
                ConvGeometry part = g.withBatch(Math.min(block, g.batch() - n0));
                one.backwardData(part, dy, n0 * out, w, 0, dx, n0 * image, s);
            }
            assertArrayEquals(dx1, dx, g + " in chunks of " + block);
        }
    }

    @Test
    void sameBitsAtAnyThreadCountAndOnChunksOfTheBatch() {
        for (ConvGeometry g : geometries()) {
            float[] x = random(21, g.inputSize()), w = random(22, g.weightSize()), b = random(23, g.outChannels());
            float[] y1 = new float[g.outputSize()];
            VectorConvolution one = new VectorConvolution(SCALAR.gemm(), d1);
            one.forward(g, x, 0, w, 0, b, 0, y1, 0, new Scratch());
            for (Dispatcher d : new Dispatcher[] {d2, d3}) {
                float[] y = new float[g.outputSize()];
                new VectorConvolution(SCALAR.gemm(), d).forward(g, x, 0, w, 0, b, 0, y, 0, new Scratch());
                assertArrayEquals(y1, y, g + " on " + d.threads() + " threads");
            }
            // chunk by chunk at multiples of the image block, one scratch (the filter cache in use)
            int block = one.imageBlock(g), image = g.inChannels() * g.inH() * g.inW(), out = g.outChannels() * g.inH() * g.inW();
            float[] y = new float[g.outputSize()];
            Scratch s = new Scratch();
            for (int n0 = 0; n0 < g.batch(); n0 += block) {
                ConvGeometry part = g.withBatch(Math.min(block, g.batch() - n0));
                one.forward(part, x, n0 * image, w, 0, b, 0, y, n0 * out, s);
            }
            assertArrayEquals(y1, y, g + " in chunks of " + block);
        }
    }

    @Test
    void cachedFiltersFollowEveryChangeOfTheWeights() {
        ConvGeometry g = ConvGeometry.simple(2, 16, 5, 6, 16, 3, 1, 1);
        VectorConvolution conv = new VectorConvolution(SCALAR.gemm(), d1);
        float[] x = random(31, g.inputSize()), w = random(32, g.weightSize());
        Scratch kept = new Scratch();
        float[] first = forward(conv, g, x, w, kept);
        for (int i : new int[] {0, 1, 4, g.weightSize() / 2, g.weightSize() - 1}) {
            float[] ulp = w.clone();
            ulp[i] = Math.nextUp(ulp[i]);   // one ulp of one tap: the cache must see it
            assertArrayEquals(forward(conv, g, x, ulp, new Scratch()), forward(conv, g, x, ulp, kept), "one ulp of weight " + i);
            float[] changed = w.clone();
            changed[i] = changed[i] * 1.5f + 0.25f;
            float[] fresh = forward(conv, g, x, changed, new Scratch());
            assertArrayEquals(fresh, forward(conv, g, x, changed, kept), "weight " + i + " changed");
            assertFalse(Arrays.equals(first, fresh), "weight " + i + " changes the output");
            assertArrayEquals(first, forward(conv, g, x, w, kept), "weights restored after " + i);
        }
        float[] signed = w.clone();
        signed[3] = 0f;
        forward(conv, g, x, signed, kept);
        signed[3] = -0f;   // equal as numbers, different bits: transformed again, same result as a fresh scratch
        assertArrayEquals(forward(conv, g, x, signed, new Scratch()), forward(conv, g, x, signed, kept), "-0 after +0");
        // another geometry on the same scratch, then back
        ConvGeometry wide = ConvGeometry.simple(1, 20, 4, 4, 24, 3, 1, 1);
        float[] w2 = random(33, wide.weightSize()), x2 = random(34, wide.inputSize());
        assertArrayEquals(forward(conv, wide, x2, w2, new Scratch()), forward(conv, wide, x2, w2, kept), "other geometry");
        assertArrayEquals(first, forward(conv, g, x, w, kept), "first geometry again");
    }

    @Test
    void forwardAndBackwardDataKeepTheirOwnFilterCaches() {
        // one scratch, as a layer has: forward and backward-data alternate, with the weights changing between steps
        ConvGeometry g = ConvGeometry.simple(2, 16, 5, 6, 20, 3, 1, 1);
        VectorConvolution conv = both(d1);
        float[] x = random(35, g.inputSize()), dy = random(36, g.outputSize());
        Scratch kept = new Scratch();
        float[] w = random(37, g.weightSize());
        for (int step = 0; step < 4; step++) {
            assertArrayEquals(forward(conv, g, x, w, new Scratch()), forward(conv, g, x, w, kept), "forward, step " + step);
            assertArrayEquals(backwardData(conv, g, dy, w, new Scratch()), backwardData(conv, g, dy, w, kept), "backward-data, step " + step);
            assertArrayEquals(forward(conv, g, x, w, new Scratch()), forward(conv, g, x, w, kept), "forward again, step " + step);
            w = w.clone();
            w[(step * 7919) % w.length] = Math.nextUp(w[(step * 7919) % w.length]);   // one ulp: both caches must see it
        }
    }

    /** Winograd forward and backward-data, whatever this JVM's vector width (the default takes backward-data at ≤ 256 bits). */
    private static VectorConvolution both(Dispatcher d) {
        return new VectorConvolution(SCALAR.gemm(), d, true, true);
    }

    @Test
    void backwardDataTakesWinogradByDefaultAtNarrowVectorsOrOnZen4() {
        CpuFeatures zen3 = CpuFeatures.of("AuthenticAMD", 25, 1, "AMD EPYC", "fma avx avx2");
        CpuFeatures zen4 = CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC", "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd");
        CpuFeatures zen5 = CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC", "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd");
        CpuFeatures xeon = CpuFeatures.of("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Processor", "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd");
        for (CpuFeatures cpu : new CpuFeatures[] {zen3, zen4, zen5, xeon, CpuFeatures.unknown()}) {
            assertTrue(VectorConvolution.winogradBackwardDataPays(128, cpu), cpu::toString);
            assertTrue(VectorConvolution.winogradBackwardDataPays(256, cpu), cpu::toString);
        }
        // at 512 bits only where 512-bit FMAs run as two 256-bit halves (Zen 4)
        assertTrue(VectorConvolution.winogradBackwardDataPays(512, zen4));
        assertFalse(VectorConvolution.winogradBackwardDataPays(512, zen5));
        assertFalse(VectorConvolution.winogradBackwardDataPays(512, xeon));
        assertFalse(VectorConvolution.winogradBackwardDataPays(512, CpuFeatures.unknown()));
        // the default construction follows the rule at this JVM's width; on(gemm) keeps the choice
        ConvGeometry g = ConvGeometry.simple(3, 16, 6, 7, 16, 3, 1, 1);
        float[] dy = random(54, g.outputSize()), w = random(55, g.weightSize());
        float[] on = backwardData(both(d1), g, dy, w, new Scratch());
        float[] off = backwardData(new VectorConvolution(SCALAR.gemm(), d1, true, false), g, dy, w, new Scratch());
        boolean pays = VectorConvolution.winogradBackwardDataPays(L * 32, CpuFeatures.current());
        VectorConvolution byDefault = new VectorConvolution(SCALAR.gemm(), d1, true);
        assertArrayEquals(pays ? on : off, backwardData(byDefault, g, dy, w, new Scratch()), "default at " + L * 32 + " bits");
        assertArrayEquals(pays ? on : off, backwardData(byDefault.on(SCALAR.gemm()), g, dy, w, new Scratch()), "on(gemm)");
        assertArrayEquals(on, backwardData(both(d1).on(SCALAR.gemm()), g, dy, w, new Scratch()), "on(gemm), forced on");
    }

    private static float[] backwardData(VectorConvolution conv, ConvGeometry g, float[] dy, float[] w, Scratch s) {
        float[] dx = new float[g.inputSize()];
        Arrays.fill(dx, -7f);   // overwritten, not accumulated
        conv.backwardData(g, dy, 0, w, 0, dx, 0, s);
        return dx;
    }

    private static float[] forward(VectorConvolution conv, ConvGeometry g, float[] x, float[] w, Scratch s) {
        float[] y = new float[g.outputSize()];
        conv.forward(g, x, 0, w, 0, null, 0, y, 0, s);
        return y;
    }

    @Test
    void nonFiniteAndHugeInputsGiveTheDirectSumsNonFiniteOutputsOnly() {
        ConvGeometry g = ConvGeometry.simple(4, 16, 6, 7, 16, 3, 1, 1);
        int plane = g.inH() * g.inW(), image = g.inChannels() * plane;
        float[] w = random(41, g.weightSize());
        for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3e30f}) {
            float[] x = random(42, g.inputSize());
            x[image + 2 * plane + 2 * g.inW() + 3] = bad;   // image 1, channel 2, row 2, column 3
            float[] y = forward(new VectorConvolution(SCALAR.gemm(), d2), g, x, w, new Scratch());
            float[] expected = new float[g.outputSize()];
            SCALAR.convolution().forward(g, x, 0, w, 0, null, 0, expected, 0, null);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.isFinite(expected[i]), Float.isFinite(y[i]), bad + ": finiteness of output " + i);
                assertEquals(Float.isNaN(expected[i]), Float.isNaN(y[i]), bad + ": NaN at output " + i);
                if (Float.isFinite(expected[i])) {
                    assertTrue(Math.abs(y[i] - expected[i]) <= 1e-5f * Math.max(1f, Math.abs(expected[i])),
                            bad + ": output " + i + " expected " + expected[i] + " found " + y[i]);
                }
            }
        }
        // a non-finite weight: the whole call on im2col. There the outputs of its channel whose window lies inside
        // the image are ±Inf, as in the direct sum; the Winograd transforms would have made NaN of them (Inf − Inf).
        float[] x = random(43, g.inputSize()), w2 = w.clone();
        w2[5] = Float.POSITIVE_INFINITY;   // output channel 0
        float[] y = forward(new VectorConvolution(SCALAR.gemm(), d2), g, x, w2, new Scratch());
        float[] expected = new float[g.outputSize()];
        SCALAR.convolution().forward(g, x, 0, w2, 0, null, 0, expected, 0, null);
        int inner = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int r = 1; r + 1 < g.inH(); r++) {
                    for (int c = 1; c + 1 < g.inW(); c++) {
                        int i = ((n * g.outChannels() + o) * g.inH() + r) * g.inW() + c;
                        assertEquals(expected[i], y[i], o == 0 ? 0f : 1e-5f * Math.max(1f, Math.abs(expected[i])),
                                "weight Inf: output " + i);
                        if (o == 0) inner++;
                    }
                }
            }
        }
        assertEquals(g.batch() * (g.inH() - 2) * (g.inW() - 2), inner);
    }

    @Test
    void nonFiniteAndHugeOutputGradientsGiveTheDirectSumsNonFiniteInputGradientsOnly() {
        ConvGeometry g = ConvGeometry.simple(4, 16, 6, 7, 18, 3, 1, 1);
        int plane = g.inH() * g.inW(), image = g.outChannels() * plane;
        float[] w = random(44, g.weightSize());
        for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3e30f}) {
            float[] dy = random(45, g.outputSize());
            dy[image + 2 * plane + 2 * g.inW() + 3] = bad;   // image 1, channel 2, row 2, column 3
            float[] dx = backwardData(both(d2), g, dy, w, new Scratch());
            float[] expected = new float[g.inputSize()];
            SCALAR.convolution().backwardData(g, dy, 0, w, 0, expected, 0, null);
            int nonFinite = 0;
            for (int i = 0; i < dx.length; i++) {
                assertEquals(Float.isFinite(expected[i]), Float.isFinite(dx[i]), bad + ": finiteness of input gradient " + i);
                assertEquals(Float.isNaN(expected[i]), Float.isNaN(dx[i]), bad + ": NaN at input gradient " + i);
                if (Float.isFinite(expected[i])) {
                    assertTrue(Math.abs(dx[i] - expected[i]) <= 1e-5f * Math.max(1f, Math.abs(expected[i])),
                            bad + ": input gradient " + i + " expected " + expected[i] + " found " + dx[i]);
                } else {
                    nonFinite++;
                }
            }
            if (!Float.isFinite(bad)) assertEquals(9 * g.inChannels(), nonFinite, bad + ": the 3x3 window of every input channel");
        }
        // a non-finite weight: the whole call on im2col, whose input gradients of that weight's input channel are
        // ±Inf inside the image, as in the direct sum
        float[] dy = random(46, g.outputSize()), w2 = w.clone();
        w2[5] = Float.POSITIVE_INFINITY;   // output channel 0, input channel 0
        float[] dx = backwardData(both(d2), g, dy, w2, new Scratch());
        float[] expected = new float[g.inputSize()];
        SCALAR.convolution().backwardData(g, dy, 0, w2, 0, expected, 0, null);
        for (int i = 0; i < dx.length; i++) {
            if (Float.isFinite(expected[i])) {
                assertEquals(expected[i], dx[i], 1e-5f * Math.max(1f, Math.abs(expected[i])), "weight Inf: input gradient " + i);
            } else {
                assertEquals(expected[i], dx[i], "weight Inf: input gradient " + i);
            }
        }
    }

    // ---- backward-weights (docs/decisions.md §9d) ----------------------------------------------------------------

    /** Winograd on every direction, whatever this JVM's vector width. */
    private static VectorConvolution all(Dispatcher d) {
        return new VectorConvolution(SCALAR.gemm(), d, true, true, true);
    }

    @Test
    void outputGradientTransformGivesTheScalarTwinsBits() {
        SplittableRandom r = new SplittableRandom(3);
        for (int h : SIDES) {
            for (int w : SIDES) {
                int images = 1 + r.nextInt(3), outCh = 1 + r.nextInt(4);
                int tiles = images * Winograd23.tilesPerImage(h, w), ld = Winograd23.leadingDimension(tiles);
                int off = r.nextInt(5);
                float[] dy = random(h * 57 + w, off + images * outCh * h * w);
                float[] fast = new float[Winograd23.bufferSize(outCh, tiles)], slow = new float[fast.length];
                Arrays.fill(fast, Float.NaN);
                Arrays.fill(slow, Float.NaN);
                Winograd23.transformOutputGradient(dy, off, images, outCh, h, w, fast, ld);
                Winograd23Scalar.transformOutputGradient(dy, off, images, outCh, h, w, slow, ld);
                assertSameTransformedBits(slow, fast, outCh, tiles, ld,
                        "output-gradient transform " + h + "x" + w + ", " + images + " images, " + outCh + " channels");
            }
        }
    }

    @Test
    void weightGradientTransformGivesTheScalarTwinsBitsAndWritesOnlyItsTaps() {
        SplittableRandom r = new SplittableRandom(4);
        for (int outCh : new int[] {1, 3, L - 1, L, L + 3, 2 * L + 1}) {
            int inCh = 1 + r.nextInt(4), off = r.nextInt(7), partOff = r.nextInt(5);
            float[] sums = random(outCh * 13 + inCh, off + Winograd23.weightGradientSize(inCh, outCh));
            float[] fast = new float[partOff + 9 * inCh * outCh + 3], slow = new float[fast.length];
            Arrays.fill(fast, -7f);
            Arrays.fill(slow, -7f);
            Winograd23.transformWeightGradient(sums, off, inCh, outCh, fast, partOff);
            Winograd23Scalar.transformWeightGradient(Arrays.copyOfRange(sums, off, sums.length), inCh, outCh, slow, partOff);
            assertArrayEquals(slow, fast, inCh + " x " + outCh + " filters");
            for (int i = 0; i < 9 * inCh * outCh; i++) assertTrue(fast[partOff + i] != -7f, "tap " + i + " not written");
        }
    }

    /** The weight gradient in double: dw[o][c][a][b] = Σ_n Σ_y,x dy[n][o][y][x] · x[n][c][y + a − 1][x + b − 1]. */
    private static double[] directBackwardWeights(ConvGeometry g, float[] x, float[] dy, double[] magnitude) {
        int n = g.batch(), c = g.inChannels(), o = g.outChannels(), h = g.inH(), wd = g.inW();
        double[] dw = new double[g.weightSize()];
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < c; ic++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        double s = 0, m = 0;
                        for (int i = 0; i < n; i++) {
                            for (int yy = 0; yy < h; yy++) {
                                for (int xx = 0; xx < wd; xx++) {
                                    int iy = yy + a - 1, ix = xx + b - 1;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    double p = (double) dy[((i * o + oc) * h + yy) * wd + xx] * x[((i * c + ic) * h + iy) * wd + ix];
                                    s += p;
                                    m += Math.abs(p);
                                }
                            }
                        }
                        int at = ((oc * c + ic) * 3 + a) * 3 + b;
                        dw[at] = s;
                        magnitude[at] = m;
                    }
                }
            }
        }
        return dw;
    }

    private static float[] backwardWeights(VectorConvolution conv, ConvGeometry g, float[] x, float[] dy, float[] db, Scratch s) {
        float[] dw = random(99, g.weightSize());   // accumulated into: start from something
        float[] start = dw.clone();
        conv.backwardWeights(g, x, 0, dy, 0, dw, 0, db, 0, s);
        for (int i = 0; i < dw.length; i++) dw[i] -= start[i];
        return dw;
    }

    @Test
    void backwardWeightsMatchesTheDirectSumInDouble() {
        for (ConvGeometry g : geometries()) {
            float[] x = random(16, g.inputSize()), dy = random(17, g.outputSize());
            double[] magnitude = new double[g.weightSize()];
            double[] expected = directBackwardWeights(g, x, dy, magnitude);
            float[] dw = new float[g.weightSize()];
            all(d2).backwardWeights(g, x, 0, dy, 0, dw, 0, null, 0, new Scratch());
            for (int i = 0; i < dw.length; i++) {
                // a few float roundings of the terms' magnitudes per group of images, then the groups' partials added
                if (!(Math.abs(dw[i] - expected[i]) <= 4e-6 * magnitude[i] + 1e-7)) {
                    fail(g + ": weight gradient " + i + " expected " + expected[i] + " found " + dw[i]);
                }
            }
            float[] im2col = new float[g.weightSize()];
            both(d2).backwardWeights(g, x, 0, dy, 0, im2col, 0, null, 0, new Scratch());
            // and it is the Winograd path, not im2col: their roundings differ somewhere (on a 1×1 map only the centre
            // tap sees the image, and both give the same exact products)
            if (g.inH() * g.inW() > 1) assertFalse(Arrays.equals(dw, im2col), g + ": backward-weights did not take the Winograd path");
        }
    }

    @Test
    void backwardWeightsGivesTheSameBitsAtAnyThreadCountAndOnChunksOfTheBatchAndAccumulates() {
        for (ConvGeometry g : geometries()) {
            float[] x = random(26, g.inputSize()), dy = random(27, g.outputSize());
            float[] db1 = new float[g.outChannels()];
            VectorConvolution one = all(d1);
            float[] dw1 = new float[g.weightSize()];
            one.backwardWeights(g, x, 0, dy, 0, dw1, 0, db1, 0, new Scratch());
            for (Dispatcher d : new Dispatcher[] {d2, d3}) {
                float[] dw = new float[g.weightSize()], db = new float[g.outChannels()];
                all(d).backwardWeights(g, x, 0, dy, 0, dw, 0, db, 0, new Scratch());
                assertArrayEquals(dw1, dw, g + " on " + d.threads() + " threads");
                assertArrayEquals(db1, db, g + ": bias gradient on " + d.threads() + " threads");
            }
            // a batch cut at image blocks, each chunk accumulated into the same dw, gives the whole batch's bits
            int block = one.imageBlock(g), image = g.inChannels() * g.inH() * g.inW(), out = g.outChannels() * g.inH() * g.inW();
            float[] dw = new float[g.weightSize()];
            Scratch s = new Scratch();
            for (int n0 = 0; n0 < g.batch(); n0 += block) {
                ConvGeometry part = g.withBatch(Math.min(block, g.batch() - n0));
                one.backwardWeights(part, x, n0 * image, dy, n0 * out, dw, 0, null, 0, s);
            }
            assertArrayEquals(dw1, dw, g + " in chunks of " + block);
            // the gradient is added to what dw held (the groups' partials one by one, so within a rounding of 2·dw)
            float[] twice = dw1.clone();
            one.backwardWeights(g, x, 0, dy, 0, twice, 0, null, 0, s);
            for (int i = 0; i < twice.length; i++) {
                assertEquals(2 * dw1[i], twice[i], 1e-5f * Math.max(1f, Math.abs(dw1[i])), g + ": accumulated weight gradient " + i);
            }
        }
    }

    @Test
    void nonFiniteAndHugeInputsOrOutputGradientsGiveTheDirectSumsNonFiniteWeightGradientsOnly() {
        ConvGeometry g = ConvGeometry.simple(9, 16, 6, 7, 18, 3, 1, 1);   // three groups of images, the last partial
        int plane = g.inH() * g.inW();
        for (boolean inX : new boolean[] {true, false}) {
            for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3e30f}) {
                float[] x = random(47, g.inputSize()), dy = random(48, g.outputSize());
                if (inX) x[5 * g.inChannels() * plane + 2 * plane + 2 * g.inW() + 3] = bad;   // image 5, channel 2, (2, 3)
                else dy[5 * g.outChannels() * plane + 2 * plane + 2 * g.inW() + 3] = bad;
                float[] dw = new float[g.weightSize()];
                all(d2).backwardWeights(g, x, 0, dy, 0, dw, 0, null, 0, new Scratch());
                float[] expected = new float[g.weightSize()];
                SCALAR.convolution().backwardWeights(g, x, 0, dy, 0, expected, 0, null, 0, null);
                String what = (inX ? "x " : "dy ") + bad;
                for (int i = 0; i < dw.length; i++) {
                    assertEquals(Float.isFinite(expected[i]), Float.isFinite(dw[i]), what + ": finiteness of weight gradient " + i);
                    assertEquals(Float.isNaN(expected[i]), Float.isNaN(dw[i]), what + ": NaN at weight gradient " + i);
                    if (Float.isFinite(expected[i])) {
                        assertTrue(Math.abs(dw[i] - expected[i]) <= 1e-5f * Math.max(1f, Math.abs(expected[i])),
                                what + ": weight gradient " + i + " expected " + expected[i] + " found " + dw[i]);
                    } else {
                        assertEquals(expected[i], dw[i], what + ": weight gradient " + i);
                    }
                }
            }
        }
    }

    @Test
    void backwardWeightsTakesWinogradByDefaultWhereBackwardDataDoes() {
        CpuFeatures zen4 = CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC", "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd");
        CpuFeatures zen5 = CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC", "fma avx avx2 avx512f avx512bw avx512vl avx512dq avx512cd");
        for (int bits : new int[] {128, 256, 512}) {
            for (CpuFeatures cpu : new CpuFeatures[] {zen4, zen5, CpuFeatures.unknown()}) {
                assertEquals(VectorConvolution.winogradBackwardDataPays(bits, cpu), VectorConvolution.winogradBackwardWeightsPays(bits, cpu),
                        bits + " bits, " + cpu);
            }
        }
        assertTrue(VectorConvolution.winogradBackwardWeightsPays(512, zen4));
        assertFalse(VectorConvolution.winogradBackwardWeightsPays(512, zen5));
        // the default construction follows the rule at this JVM's width; on(gemm) keeps the choice
        ConvGeometry g = ConvGeometry.simple(5, 16, 6, 7, 16, 3, 1, 1);
        float[] x = random(56, g.inputSize()), dy = random(57, g.outputSize());
        float[] on = backwardWeights(all(d1), g, x, dy, null, new Scratch());
        float[] off = backwardWeights(both(d1), g, x, dy, null, new Scratch());
        boolean pays = VectorConvolution.winogradBackwardWeightsPays(L * 32, CpuFeatures.current());
        VectorConvolution byDefault = new VectorConvolution(SCALAR.gemm(), d1, true);
        assertArrayEquals(pays ? on : off, backwardWeights(byDefault, g, x, dy, null, new Scratch()), "default at " + L * 32 + " bits");
        assertArrayEquals(pays ? on : off, backwardWeights(byDefault.on(SCALAR.gemm()), g, x, dy, null, new Scratch()), "on(gemm)");
        assertArrayEquals(on, backwardWeights(all(d1).on(SCALAR.gemm()), g, x, dy, null, new Scratch()), "on(gemm), forced on");
        assertArrayEquals(off, backwardWeights(new VectorConvolution(SCALAR.gemm(), d1, false), g, x, dy, null, new Scratch()),
                "the switch off: im2col");
    }
}
