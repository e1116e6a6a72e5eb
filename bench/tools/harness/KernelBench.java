package org.vectorgrad.backend.vector.gemm;

import java.util.*;

/**
 * The micro-kernels alone (docs/decisions.md §2b): GFLOP/s per CPU-second of the thread over packed panels (120 rows
 * of A, 8 B micro-panels, jr outside ir as in BlockedGemm), no packing, no C stores; kernels interleaved, best and
 * median of the rounds after 2. Args: rounds kc KernelClass... (simple names in the gemm package, e.g. Kernel256x4;
 * with -XX:UseAVX=2 for the 16-register proxy).
 */
public class KernelBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]), kc = Integer.parseInt(args[1]);
        List<MicroKernel> ks = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String n = args[i].contains(".") ? args[i] : "org.vectorgrad.backend.vector.gemm." + args[i];
            var c = Class.forName(n).getDeclaredConstructor(); c.setAccessible(true);
            ks.add((MicroKernel) c.newInstance());
        }
        Random r = new Random(1);
        for (MicroKernel k : ks) { // get each kernel C2-compiled before timing (C1 cannot compile the big ones)
            float[] a = new float[k.mr * 16], b = new float[k.nr * 16], t = new float[k.mr * k.nr];
            for (int i = 0; i < 30000; i++) k.run(16, a, 0, b, 0, t);
        }
        int rows = 120, panels = 8;
        double[][] res = new double[ks.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int ki = 0; ki < ks.size(); ki++) {
                MicroKernel k = ks.get(ki);
                int mr = k.mr, nr = k.nr, mrows = rows / mr * mr;
                float[] a = new float[mrows * kc], b = new float[panels * kc * nr], tile = new float[mr * nr];
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
                for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(), flops = 0;
                do {
                    for (int q = 0; q < panels; q++) for (int ir = 0; ir < mrows; ir += mr) k.run(kc, a, ir * kc, b, q * kc * nr, tile);
                    flops += 2L * mrows * panels * nr * kc;
                } while (System.nanoTime() - t0 < 50_000_000L);
                res[ki][round] = flops / (double) (mx.getCurrentThreadCpuTime() - c0);
            }
        }
        for (int ki = 0; ki < ks.size(); ki++) {
            double[] v = Arrays.copyOfRange(res[ki], 2, rounds); Arrays.sort(v);
            System.out.printf("%-40s best %6.1f  median %6.1f GFLOP/s per CPU-second of this thread%n", ks.get(ki).getClass().getSimpleName(), v[v.length - 1], v[v.length / 2]);
        }
    }
}
