package org.vectorgrad.backend.vector.gemm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Small-product path vs packed path (docs/decisions.md §2a): ns per call by thread CPU time (steady on a shared
 * machine), best of interleaved rounds, for cubes and a few flat shapes, NN and NT. Args: bits rounds [MxNxK ...]
 * (shapes given replace the built-in list); -Dbeta=B times C = op(A)·op(B) + B·C instead of beta 0.
 * Run with the harness class path of bench/tools/harness/README.md (this class is in the gemm package).
 */
public class SmallRule {
    public static void main(String[] args) {
        int bits = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        // cubes, the reference CNN's K <= KC shapes (64x196x32 Winograd, 288x64x196 conv weight gradient), and op(B)
        // sizes around the bound (k·n from 16 K to 128 K floats), a one-row and a narrow product
        int[][] shapes = {{4, 4, 4}, {16, 16, 16}, {32, 32, 32}, {64, 64, 64}, {128, 128, 128}, {64, 196, 32}, {288, 64, 196},
                {288, 784, 64}, {128, 256, 128}, {64, 784, 64}, {128, 512, 128}, {256, 256, 256}, {512, 512, 128}, {64, 1024, 128},
                {4, 512, 64}, {1, 512, 256}, {128, 10, 256}};
        if (args.length > 2) {
            shapes = new int[args.length - 2][];
            for (int i = 2; i < args.length; i++) {
                String[] d = args[i].split("x");
                shapes[i - 2] = new int[] {Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2])};
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        float beta = Float.parseFloat(System.getProperty("beta", "0"));
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(bits);
            BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE), packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
            BlockedGemm[] gs = {small, packed};
            System.out.printf("%-14s %4s %12s %12s %8s%n", "m x n x k", "op", "small ns", "packed ns", "packed/small");
            for (int[] s : shapes) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    Random r = new Random(1);
                    float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                    for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
                    for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
                    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
                    for (int round = 0; round < rounds; round++) {
                        for (int gi = 0; gi < 2; gi++) {
                            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                            int it = 0;
                            do {
                                gs[gi].gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, beta, c, 0, n);
                                it++;
                            } while (System.nanoTime() - t0 < 20_000_000L);
                            if (round > 1) best[gi] = Math.min(best[gi], (mx.getCurrentThreadCpuTime() - c0) / (double) it);
                        }
                    }
                    System.out.printf("%-14s %4s %12.0f %12.0f %8.2f%n", m + "x" + n + "x" + k, tb ? "NT" : "NN", best[0], best[1], best[1] / best[0]);
                }
            }
        }
    }
}
