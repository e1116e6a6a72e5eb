package org.vectorgrad.backend.vector.gemm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Small-product path vs packed path (docs/decisions.md §2a): ns per call by thread CPU time (steady on a shared
 * machine), best of interleaved rounds, for cubes and a few flat shapes, NN and NT. Args: bits rounds.
 * Run with the harness class path of bench/tools/harness/README.md (this class is in the gemm package).
 */
public class SmallRule {
    public static void main(String[] args) {
        int bits = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        int[][] shapes = {{4, 4, 4}, {8, 8, 8}, {16, 16, 16}, {24, 24, 24}, {32, 32, 32}, {48, 48, 48}, {64, 64, 64}, {96, 96, 96},
                {128, 128, 128}, {4, 512, 64}, {128, 10, 256}, {10, 128, 256}, {1, 512, 784}};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
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
                                gs[gi].gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, c, 0, n);
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
