package org.vectorgrad.backend.vector.gemm;

import java.util.*;

/**
 * A 512-bit unpacked M x N x K NN product (N a multiple of 64; M of 4, e.g. 64) by the 6 x 4 tile with 4 x 4 for the
 * last rows (as SmallGemm splits M = 64) against the 4 x 4 tile for all rows, alternating in slices; checks both give
 * the same bits. Args: rounds m n k.
 */
public class TileProbe {
    static UnpackedKernel.Tile make(String name) throws Exception {
        var c = Class.forName("org.vectorgrad.backend.vector.gemm.Unpacked512$" + name).getDeclaredConstructor();
        c.setAccessible(true);
        return (UnpackedKernel.Tile) c.newInstance();
    }
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]), m = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]), k = Integer.parseInt(args[3]);
        UnpackedKernel.Tile v4 = make("V4"), r4 = make("R4V4");
        Random r = new Random(1);
        float[] a = new float[m * k + 64], b = new float[k * n + 64], c1 = new float[m * n + 64], c2 = new float[m * n + 64];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        int six = (m - 4) / 6 * 6; // rows for the 6-row tile, then 4-row tiles for the rest (m = 64: 60 + 4)
        double[][] t = new double[2][rounds];
        for (int round = -30; round < rounds; round++) {
            for (int q = 0; q < 2; q++) {
                float[] c = q == 0 ? c1 : c2;
                long t0 = System.nanoTime(); int calls = 0;
                do {
                    for (int call = 0; call < 100; call++) {
                        for (int j = 0; j < n; j += 64) {
                            if (q == 0) {
                                v4.run(16, k, a, 0, k, six, b, j, n, null, 0, c, j, n, null);
                                r4.run(16, k, a, six * k, k, m - six, b, j, n, null, 0, c, six * n + j, n, null);
                            } else {
                                r4.run(16, k, a, 0, k, m, b, j, n, null, 0, c, j, n, null);
                            }
                        }
                    }
                    calls += 100;
                } while (System.nanoTime() - t0 < 20_000_000L);
                if (round >= 0) t[q][round] = (System.nanoTime() - t0) / (double) calls;
            }
        }
        if (!Arrays.equals(c1, c2)) System.out.println("results differ!");
        for (int q = 0; q < 2; q++) {
            double[] s = t[q].clone(); Arrays.sort(s);
            double[] ratio = new double[rounds];
            for (int i = 0; i < rounds; i++) ratio[i] = t[q][i] / t[0][i];
            Arrays.sort(ratio);
            System.out.printf("%s: median %.3f us, %.1f GFLOP/s, time ratio to 6x4 %.3f%n", q == 0 ? "6x4 + 4x4" : "4x4 only", s[rounds / 2] / 1e3,
                    2.0 * m * n * k / s[rounds / 2], ratio[rounds / 2]);
        }
    }
}
