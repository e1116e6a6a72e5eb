package org.vectorgrad.backend.vector.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The vector pooling kernels against the scalar reference. Same taps in the same order, so the results must be
 * bitwise equal (not merely close) for every thread count.
 */
class VectorPoolingTest {
    private static final Backend SCALAR = ScalarBackend.create();
    private static Dispatcher[] pools;

    @BeforeAll
    static void open() {
        pools = new Dispatcher[] {new Dispatcher(1), new Dispatcher(2), new Dispatcher(3)};
    }

    @AfterAll
    static void close() {
        for (Dispatcher d : pools) d.close();
    }

    static List<PoolGeometry> geometries() {
        List<PoolGeometry> out = new ArrayList<>(List.of(
                new PoolGeometry(3, 4, 28, 28, 2, 2, 2, 2, 0, 0, true),     // the reference CNN's pool
                new PoolGeometry(3, 5, 14, 14, 2, 2, 2, 2, 0, 0, true),     // its second pool: rows of 7, two per vector
                new PoolGeometry(2, 3, 13, 15, 2, 2, 2, 2, 0, 0, true),     // odd sizes, rows of 7, an odd row count
                new PoolGeometry(2, 3, 16, 16, 2, 2, 2, 2, 0, 0, true),     // rows of 8 (half a 512-bit vector)
                new PoolGeometry(1, 4, 6, 2, 2, 2, 2, 2, 0, 0, true),       // rows of one output
                new PoolGeometry(2, 2, 8, 34, 2, 2, 2, 2, 0, 0, true),      // rows of 17: more than half a vector
                new PoolGeometry(2, 3, 7, 9, 2, 2, 2, 2, 0, 0, true),       // 2×2/2 on odd sizes: last row/column dropped
                new PoolGeometry(2, 2, 5, 71, 2, 2, 2, 2, 0, 0, true),      // 2×2/2, output rows of 35: full vectors + tail
                new PoolGeometry(1, 3, 4, 64, 2, 2, 2, 2, 0, 0, true),      // 2×2/2, rows of exactly 32 outputs
                new PoolGeometry(1, 2, 9, 7, 3, 3, 2, 2, 1, 1, true),       // overlapping windows with padding
                new PoolGeometry(1, 2, 9, 7, 3, 3, 2, 2, 1, 1, false),      // same, padding not counted
                new PoolGeometry(3, 5, 6, 6, 6, 6, 1, 1, 0, 0, true),       // global pooling
                new PoolGeometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, true)));     // 1×1
        SplittableRandom r = new SplittableRandom(99);
        while (out.size() < 50) {
            int kh = 1 + r.nextInt(4), kw = r.nextBoolean() ? kh : 1 + r.nextInt(4);
            int ph = r.nextInt(kh / 2 + 1), pw = r.nextInt(kw / 2 + 1);
            try {
                out.add(new PoolGeometry(r.nextBoolean() ? 1 : 3, 1 + r.nextInt(4), 1 + r.nextInt(10), 1 + r.nextInt(10),
                        kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), ph, pw, r.nextBoolean()));
            } catch (IllegalArgumentException invalid) {
                // window larger than the padded input: draw again
            }
        }
        // ceil mode: partial last windows (2×2/2 on an odd size leaves the vectorized 2×2 path), and even sizes, where
        // the geometry is floor mode's and keeps that path
        out.addAll(List.of(
                new PoolGeometry(2, 3, 13, 15, 2, 2, 2, 2, 0, 0, true, true),   // odd sizes: a partial last row and column
                new PoolGeometry(3, 5, 14, 14, 2, 2, 2, 2, 0, 0, true, true),   // even: the vectorized path
                new PoolGeometry(1, 4, 7, 1, 2, 2, 2, 2, 0, 0, true, true),     // 1 wide: every window partial
                new PoolGeometry(2, 2, 5, 71, 2, 2, 2, 2, 0, 0, true, true),    // long rows, partial last column
                new PoolGeometry(1, 2, 6, 6, 3, 3, 2, 2, 1, 1, true, true),     // a last window over the padding's end
                new PoolGeometry(1, 2, 6, 6, 3, 3, 2, 2, 1, 1, false, true),    // same, padding not counted
                new PoolGeometry(1, 1, 2, 2, 3, 3, 2, 2, 0, 0, true, true)));   // a window larger than the input
        while (out.size() < 90) {
            int kh = 1 + r.nextInt(4), kw = r.nextBoolean() ? kh : 1 + r.nextInt(4);
            int ph = r.nextInt(kh / 2 + 1), pw = r.nextInt(kw / 2 + 1);
            try {
                out.add(new PoolGeometry(r.nextBoolean() ? 1 : 3, 1 + r.nextInt(4), 1 + r.nextInt(10), 1 + r.nextInt(10),
                        kh, kw, 1 + r.nextInt(4), 1 + r.nextInt(4), ph, pw, r.nextBoolean(), true));
            } catch (IllegalArgumentException invalid) {
                // no output even in ceil mode: draw again
            }
        }
        return out;
    }

    @Test
    void ceilModeKeepsTheTwoByTwoPathOnlyForFullWindows() {
        assertTrue(PoolKernels.isTwoByTwo(new PoolGeometry(1, 1, 14, 14, 2, 2, 2, 2, 0, 0, true, true)));
        assertTrue(PoolKernels.isTwoByTwo(new PoolGeometry(1, 1, 13, 15, 2, 2, 2, 2, 0, 0, true, false))); // floor drops the odd row
        assertTrue(!PoolKernels.isTwoByTwo(new PoolGeometry(1, 1, 13, 14, 2, 2, 2, 2, 0, 0, true, true)));
        assertTrue(!PoolKernels.isTwoByTwo(new PoolGeometry(1, 1, 14, 13, 2, 2, 2, 2, 0, 0, true, true)));
    }

    /** Values from a small set so max-pool windows hold ties; the first in window order must win. */
    static float[] withTies(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(5) - 2f;
        return a;
    }

    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Test
    void maxPoolingMatchesReferenceBitwiseWithTies() {
        for (PoolGeometry p : geometries()) {
            float[] x = withTies(1, p.inputSize()), dy = random(2, p.outputSize());
            float[] yE = new float[p.outputSize()], dxE = new float[p.inputSize()];
            int[] aE = new int[p.outputSize()];
            SCALAR.pooling().maxForward(p, x, 0, yE, 0, aE);
            SCALAR.pooling().maxBackward(p, dy, 0, aE, dxE, 0);
            for (Dispatcher d : pools) {
                VectorPooling pool = new VectorPooling(d);
                float[] y = new float[p.outputSize()], dx = new float[p.inputSize()];
                java.util.Arrays.fill(dx, Float.NaN);
                int[] a = new int[p.outputSize()];
                pool.maxForward(p, x, 0, y, 0, a);
                pool.maxBackward(p, dy, 0, a, dx, 0);
                String m = p + " on " + d.threads() + " threads";
                assertArrayEquals(yE, y, "max forward " + m);
                assertArrayEquals(aE, a, "arg-max " + m);
                assertArrayEquals(dxE, dx, "max backward " + m);
            }
        }
    }

    @Test
    void averagePoolingMatchesReferenceBitwise() {
        for (PoolGeometry p : geometries()) {
            float[] x = random(3, p.inputSize()), dy = random(4, p.outputSize());
            float[] yE = new float[p.outputSize()], dxE = new float[p.inputSize()];
            SCALAR.pooling().avgForward(p, x, 0, yE, 0);
            SCALAR.pooling().avgBackward(p, dy, 0, dxE, 0);
            for (Dispatcher d : pools) {
                VectorPooling pool = new VectorPooling(d);
                float[] y = new float[p.outputSize()], dx = new float[p.inputSize()];
                java.util.Arrays.fill(dx, Float.NaN);
                pool.avgForward(p, x, 0, y, 0);
                pool.avgBackward(p, dy, 0, dx, 0);
                String m = p + " on " + d.threads() + " threads";
                assertArrayEquals(yE, y, "avg forward " + m);
                assertArrayEquals(dxE, dx, "avg backward " + m);
            }
        }
    }

    @Test
    void narrowRowsTwoPerVectorKeepTiesAndNaNsBitwise() {
        SplittableRandom r = new SplittableRandom(7);
        for (int[] hw : new int[][] {{14, 14}, {13, 15}, {6, 6}, {10, 16}, {4, 2}, {12, 9}, {11, 10}, {7, 11}, {13, 15, 1}, {7, 11, 1}, {1, 5, 1}}) {
            // a third entry: ceil mode, whose partial windows on odd sizes hold the NaNs and infinities too
            PoolGeometry p = new PoolGeometry(3, 3, hw[0], hw[1], 2, 2, 2, 2, 0, 0, true, hw.length > 2);
            float[] x = withTies(3, p.inputSize());
            for (int i = 0; i < x.length; i++) {
                int k = r.nextInt(40);
                if (k == 0) x[i] = Float.NaN;
                else if (k == 1) x[i] = -0f;
                else if (k == 2) x[i] = Float.NEGATIVE_INFINITY;
            }
            float[] yE = new float[p.outputSize()];
            int[] aE = new int[p.outputSize()];
            SCALAR.pooling().maxForward(p, x, 0, yE, 0, aE);
            for (Dispatcher d : pools) {
                float[] y = new float[p.outputSize()];
                int[] a = new int[p.outputSize()];
                new VectorPooling(d).maxForward(p, x, 0, y, 0, a);
                assertArrayEquals(aE, a, "arg-max " + p + " on " + d.threads() + " threads");
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToRawIntBits(yE[i]), Float.floatToRawIntBits(y[i]), "output " + i + " of " + p);
                }
                float[] dy = random(4, p.outputSize()), dxE = new float[p.inputSize()], dx = new float[p.inputSize()];
                java.util.Arrays.fill(dx, Float.NaN); // every position must be written
                SCALAR.pooling().maxBackward(p, dy, 0, aE, dxE, 0);
                new VectorPooling(d).maxBackward(p, dy, 0, a, dx, 0);
                assertArrayEquals(dxE, dx, "max backward " + p + " on " + d.threads() + " threads");
            }
        }
    }

    @Test
    void maxPoolTieGoesToTheFirstPositionAndNaNPropagates() {
        PoolGeometry p = new PoolGeometry(1, 1, 2, 4, 2, 2, 2, 2, 0, 0, true);
        // window 0: all 3s (first wins: index 0); window 1: NaN at index 7 beats 9 at index 2
        float[] x = {3, 3, 9, 1, 3, 3, 2, Float.NaN};
        float[] y = new float[2];
        int[] a = new int[2];
        new VectorPooling(pools[0]).maxForward(p, x, 0, y, 0, a);
        assertEquals(3f, y[0]);
        assertEquals(0, a[0]);
        assertTrue(Float.isNaN(y[1]));
        assertEquals(7, a[1]);
    }

    @Test
    void averagePoolDividesByTheCountPolicy() {
        // 3×3 window, padding 1, at the corner of a 2×2 input of ones: 4 real taps of 9.
        float[] x = {1, 1, 1, 1};
        float[] y = new float[1];
        new VectorPooling(pools[0]).avgForward(new PoolGeometry(1, 1, 2, 2, 3, 3, 3, 3, 1, 1, true), x, 0, y, 0);
        assertEquals(4f / 9f, y[0], 1e-7f);
        new VectorPooling(pools[0]).avgForward(new PoolGeometry(1, 1, 2, 2, 3, 3, 3, 3, 1, 1, false), x, 0, y, 0);
        assertEquals(1f, y[0], 1e-7f);
    }

    @Test
    void badInputIsRejectedWithTheGeometry() {
        PoolGeometry p = new PoolGeometry(2, 3, 8, 8, 3, 3, 2, 2, 0, 0, true);
        VectorPooling pool = new VectorPooling(pools[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.maxForward(p, new float[10], 0, new float[p.outputSize()], 0, new int[p.outputSize()]));
        assertTrue(e.getMessage().contains("max-pool forward") && e.getMessage().contains("needs " + p.inputSize()), e.getMessage());
        int[] foreign = new int[p.outputSize()];
        foreign[0] = p.inputSize() - 1; // output 0 of plane 0 pointing into the last plane
        e = assertThrows(IllegalArgumentException.class,
                () -> pool.maxBackward(p, new float[p.outputSize()], 0, foreign, new float[p.inputSize()], 0));
        assertTrue(e.getMessage().contains("outside its input plane"), e.getMessage());
    }
}
