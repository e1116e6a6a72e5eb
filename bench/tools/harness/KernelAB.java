package org.vectorgrad.backend.vector.gemm;
import java.util.*;
/** Micro-kernels of one MR x NR alternating in short slices (docs/decisions.md §2n) (KernelBench's panels: 120 rows of A, 8 B panels, jr outside): median per-round ratio to the first. args: rounds kc mode(run|store) classes... */
public class KernelAB {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]), kc = Integer.parseInt(args[1]); boolean store = args[2].equals("store");
        List<MicroKernel> ks = new ArrayList<>();
        for (int i = 3; i < args.length; i++) { var c = Class.forName("org.vectorgrad.backend.vector.gemm." + args[i]).getDeclaredConstructor(); c.setAccessible(true); ks.add((MicroKernel) c.newInstance()); }
        int mr = ks.get(0).mr, nr = ks.get(0).nr, rows = 120, panels = 8, ldc = panels * nr;
        Random r = new Random(1);
        float[] a = new float[rows * kc + 64], b = new float[panels * kc * Math.max(nr, 12) + 64], tile = new float[mr * nr], c = new float[rows * ldc];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat(); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        for (MicroKernel k : ks) for (int i = 0; i < 3000; i++) { k.run(kc, a, 0, b, 0, tile); if (store) k.runStore(kc, a, 0, b, 0, 1f, c, 0, ldc, tile); }
        double[][] t = new double[ks.size()][rounds];
        for (int round = 0; round < rounds; round++) for (int ki = 0; ki < ks.size(); ki++) {
            MicroKernel k = ks.get(ki); long t0 = System.nanoTime();
            for (int rep = 0; rep < 4; rep++) for (int q = 0; q < panels; q++) for (int ir = 0; ir < rows; ir += mr) {
                if (store) k.runStore(kc, a, ir * kc, b, q * kc * nr, 1f, 1f, c, ir * ldc + q * nr, ldc, tile);
                else k.run(kc, a, ir * kc, b, q * kc * nr, tile);
            }
            t[ki][round] = (System.nanoTime() - t0) / (4.0 * 2 * rows * panels * nr * kc);
        }
        for (int ki = 0; ki < ks.size(); ki++) {
            double[] q = new double[rounds]; for (int i = 0; i < rounds; i++) q[i] = t[0][i] / t[ki][i]; Arrays.sort(q);
            double[] s = t[ki].clone(); Arrays.sort(s);
            System.out.printf("%-16s median %6.1f GF/s, median speed ratio to %s %.3f%n", args[3 + ki], 1 / s[rounds / 2], args[3], q[rounds / 2]);
        }
    }
}
