package org.vectorgrad.backend.vector.gemm;

import java.util.*;

/**
 * Does the start of the packed op(B) buffer or of C within a cache line change the fused-store tile
 * sweep's speed? Args: rounds bits mr m n k offsetsB offsetsC (floats, comma lists, paired one to one).
 * Configurations alternate in slices; prints each one's median time ratio to the first.
 */
public class AlignProbe {
    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]), bits = Integer.parseInt(args[1]), mr = Integer.parseInt(args[2]);
        int m = Integer.parseInt(args[3]), n = Integer.parseInt(args[4]), k = Integer.parseInt(args[5]);
        int[] ob = Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] oc = Arrays.stream(args[7].split(",")).mapToInt(Integer::parseInt).toArray();
        MicroKernel kern = MicroKernel.create(bits, mr);
        int nr = kern.nr, panels = n / nr, rows = m / mr * mr;
        Random r = new Random(1);
        float[] pa = new float[rows * k];
        for (int i = 0; i < pa.length; i++) pa[i] = r.nextFloat();
        float[] pb = new float[panels * k * nr + 64];
        for (int i = 0; i < pb.length; i++) pb[i] = r.nextFloat();
        float[] c = new float[m * n + 64], tile = new float[mr * nr];
        int cfgs = ob.length;
        double[][] t = new double[cfgs][rounds];
        for (int round = -20; round < rounds; round++) {
            for (int q = 0; q < cfgs; q++) {
                long t0 = System.nanoTime();
                int calls = 0;
                do {
                    for (int ir = 0; ir < rows; ir += mr)
                        for (int p = 0; p < panels; p++)
                            kern.runStore(k, pa, ir * k, pb, ob[q] + p * k * nr, 1f, c, oc[q] + ir * n + p * nr, n, tile);
                    calls++;
                } while (System.nanoTime() - t0 < 20_000_000L);
                if (round >= 0) t[q][round] = (System.nanoTime() - t0) / (double) calls;
            }
        }
        for (int q = 0; q < cfgs; q++) {
            double[] ratio = new double[rounds];
            for (int i = 0; i < rounds; i++) ratio[i] = t[q][i] / t[0][i];
            Arrays.sort(ratio);
            double[] s = t[q].clone(); Arrays.sort(s);
            System.out.printf("B+%2d C+%2d floats: median %.1f us, %.1f GFLOP/s, ratio to first %.3f%n", ob[q], oc[q],
                    s[rounds / 2] / 1e3, 2.0 * rows * panels * nr * k / s[rounds / 2], ratio[rounds / 2]);
        }
    }
}
