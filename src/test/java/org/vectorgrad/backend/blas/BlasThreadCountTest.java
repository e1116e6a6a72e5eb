package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;

/**
 * OpenBLAS's thread count is process-global: two {@code blas} backends with different thread counts, used from two
 * threads at once, give the same bits as each gives alone (every OpenBLAS call runs on one OpenBLAS thread; a
 * backend's thread count only decides how its GEMMs are cut into such calls, {@link BlasSplit}).
 */
class BlasThreadCountTest {
    /** m, n, k, transA, transB: large enough to be cut over 2 threads; m == 1 / n == 1 are GEMVs (run whole). */
    private static final int[][] SHAPES = {{256, 320, 192, 0, 0}, {300, 257, 129, 1, 0}, {128, 512, 784, 0, 1},
            {1, 700, 513, 0, 0}, {700, 1, 513, 1, 1}};

    private static float[][] inputs(int[] s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[s[0] * s[2]], b = new float[s[2] * s[1]];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() - 0.5);
        return new float[][] {a, b};
    }

    private static float[] gemm(Backend be, int[] s, float[][] ab) {
        int m = s[0], n = s[1], k = s[2];
        boolean ta = s[3] == 1, tb = s[4] == 1;
        float[] c = new float[m * n];
        be.gemm().gemm(ta, tb, m, n, k, 1f, ab[0], 0, ta ? m : k, ab[1], 0, tb ? k : n, 0f, c, 0, n);
        return c;
    }

    @Test
    void twoThreadCountsAtOnceGiveTheBitsOfEachAlone() throws Exception {
        BlasBackendFactory f = BlasTestSupport.requireOpenBlas();
        try (Backend one = f.create(1); Backend two = f.create(2)) {
            Backend[] backends = {one, two};
            float[][][] in = new float[SHAPES.length][][];
            float[][][] alone = new float[2][SHAPES.length][];
            for (int i = 0; i < SHAPES.length; i++) in[i] = inputs(SHAPES[i], i);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < SHAPES.length; i++) alone[b][i] = gemm(backends[b], SHAPES[i], in[i]);
            }
            int same = 0;
            for (int i = 0; i < SHAPES.length; i++) if (java.util.Arrays.equals(alone[0][i], alone[1][i])) same++;
            System.err.println("OpenBLAS GEMM bits equal at 1 and 2 threads for " + same + " of " + SHAPES.length + " shapes");

            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<?>> done = new ArrayList<>();
                for (int b = 0; b < 2; b++) {
                    int bb = b;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < 20; round++) {
                            for (int i = 0; i < SHAPES.length; i++) {
                                int shape = (i + round + bb) % SHAPES.length; // the two threads on different shapes
                                assertArrayEquals(alone[bb][shape], gemm(backends[bb], SHAPES[shape], in[shape]),
                                        backends[bb].threads() + "-thread backend, shape " + shape + ", round " + round);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, one.threads());
            assertEquals(2, two.threads());
        }
    }

    /**
     * One-thread calls run at the same time (the convolution's tasks do this): three threads on
     * 1-thread backends and one on a 2-thread backend, all at once, each get the bits of its calls alone.
     */
    @Test
    void concurrentOneThreadCallsGiveTheBitsOfEachAlone() throws Exception {
        BlasBackendFactory f = BlasTestSupport.requireOpenBlas();
        try (Backend one = f.create(1); Backend oneMore = f.create(1); Backend two = f.create(2)) {
            Backend[] backends = {one, oneMore, one, two};
            float[][][] in = new float[SHAPES.length][][];
            float[][][] alone = new float[backends.length][SHAPES.length][];
            for (int i = 0; i < SHAPES.length; i++) in[i] = inputs(SHAPES[i], 10 + i);
            for (int b = 0; b < backends.length; b++) {
                for (int i = 0; i < SHAPES.length; i++) alone[b][i] = gemm(backends[b], SHAPES[i], in[i]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(backends.length);
            try {
                CyclicBarrier start = new CyclicBarrier(backends.length);
                List<Future<?>> done = new ArrayList<>();
                for (int b = 0; b < backends.length; b++) {
                    int bb = b;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < 15; round++) {
                            for (int i = 0; i < SHAPES.length; i++) {
                                int shape = (i + round + bb) % SHAPES.length;
                                assertArrayEquals(alone[bb][shape], gemm(backends[bb], SHAPES[shape], in[shape]),
                                        "thread " + bb + " (" + backends[bb].threads() + "-thread backend), shape " + shape + ", round " + round);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
