package org.vectorgrad.backend.vector.gemm;

import java.util.*;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The GEMM taking an untransposed op(A) as row panels (BlockedGemm rowPanels, where its rule picks them) against the same GEMM packing
 * it, alternating call by call in one JVM: checks the bits are equal, prints the median per-round time ratio
 * packed ÷ row panels (> 1: row panels are faster). This JVM's table (VectorBackend.blockingFor) for the JIT's vector width (-XX:UseAVX=2 for
 * 256 bits). args: threads rounds shapes (MxNxK[:TT], e.g. 128x128x3136:NT)
 */
public class RowPanelAB {
    public static void main(String[] x) throws Exception {
        int threads = Integer.parseInt(x[0]), rounds = Integer.parseInt(x[1]);
        int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        GemmBlocking blk = org.vectorgrad.backend.vector.VectorBackend.blockingFor(bits); // this JVM's table (the 6 x 16 tile with counted-loop safepoints)
        try (Dispatcher d = new Dispatcher(threads)) {
            BlockedGemm direct = new BlockedGemm(blk, d, 1L << 20, BlockedGemm.SMALL_MAX_B, Long.MAX_VALUE, true);
            BlockedGemm packed = new BlockedGemm(blk, d, 1L << 20, BlockedGemm.SMALL_MAX_B, Long.MAX_VALUE, false);
            System.out.println(bits + "-bit " + blk + ", " + threads + " thread(s)");
            for (int s = 2; s < x.length; s++) {
                String[] p = x[s].split(":");
                String[] d3 = p[0].split("x");
                int m = Integer.parseInt(d3[0]), n = Integer.parseInt(d3[1]), k = Integer.parseInt(d3[2]);
                boolean ta = p.length > 1 && p[1].charAt(0) == 'T', tb = p.length > 1 && p[1].charAt(1) == 'T';
                Random r = new Random(1);
                float[] a = new float[m * k], b = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
                int lda = ta ? m : k, ldb = tb ? k : n;
                double flops = 2.0 * m * n * k;
                int reps = (int) Math.max(1, Math.min(200, 2e8 / flops));
                double[] ratio = new double[rounds];
                double bestD = 1e30, bestP = 1e30;
                for (int round = 0; round < rounds; round++) {
                    long tD = 0, tP = 0;
                    for (int i = 0; i < reps; i++) {
                        long t0 = System.nanoTime();
                        direct.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                        long t1 = System.nanoTime();
                        packed.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c2, 0, n);
                        long t2 = System.nanoTime();
                        tD += t1 - t0;
                        tP += t2 - t1;
                    }
                    ratio[round] = (double) tP / tD;
                    bestD = Math.min(bestD, (double) tD / reps);
                    bestP = Math.min(bestP, (double) tP / reps);
                }
                if (!Arrays.equals(c1, c2)) throw new AssertionError(x[s] + ": bits differ");
                Arrays.sort(ratio);
                System.out.printf("%-18s packed/row-panels median %.3f  (best row panels %.1f µs %.1f GF/s, packed %.1f µs)%n",
                        x[s], ratio[rounds / 2], bestD / 1e3, flops / bestD, bestP / 1e3);
            }
        }
    }
}
