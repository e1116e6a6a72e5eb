package org.vectorgrad.backend.vector.gemm;

import java.util.*;

/**
 * Where the sparse-rows path (docs/decisions.md §2br) puts op(B)'s rows, and what it costs (§2bu): each product with
 * op(B) read where it lies (transposed ones are always copied: to element 0) and copied to elements 0 to 7 of the
 * workspace, alternating in 30 ms slices in one JVM; prints the median µs per call of each. A copy to element s is
 * asked of SparseRows by telling it that element s lies on a boundary ({@code ArrayAlignment(32, 32 - 4s)}). Without
 * -XX:ObjectAlignmentInBytes=32 the fast start (if any) moves from JVM to JVM; with it, it is element 4.
 *   args: rounds zeroFraction shape... (MxNxK:TT)   run with -XX:UseAVX=2 (kernels at 256 bits only)
 */
public class SparsePlacement {
    public static void main(String[] a) {
        int rounds = Integer.parseInt(a[0]);
        double zeros = Double.parseDouble(a[1]);
        List<SparseRows> paths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        paths.add(new SparseRows(256, 0, SparseRows.SUB_BLOCK_FLOATS, ArrayAlignment.UNKNOWN));
        names.add("in place");
        for (int s = 0; s < 8; s++) {
            paths.add(new SparseRows(256, 0, SparseRows.SUB_BLOCK_FLOATS, new ArrayAlignment(32, (32 - 4 * s) % 32)));
            names.add("at " + s);
        }
        Random r = new Random(1);
        for (int si = 2; si < a.length; si++) {
            String[] p = a[si].split(":"), dm = p[0].split("x");
            int m = Integer.parseInt(dm[0]), n = Integer.parseInt(dm[1]), k = Integer.parseInt(dm[2]);
            boolean ta = p[1].charAt(0) == 'T', tb = p[1].charAt(1) == 'T';
            float[] A = new float[m * k], B = new float[k * n], C = new float[m * n];
            for (int i = 0; i < A.length; i++) A[i] = r.nextDouble() < zeros ? 0f : (float) r.nextGaussian();
            for (int i = 0; i < B.length; i++) B[i] = (float) r.nextGaussian();
            int lda = ta ? m : k, ldb = tb ? k : n;
            double[][] t = new double[paths.size()][rounds];
            for (int round = -2; round < rounds; round++) {
                for (int x = 0; x < paths.size(); x++) {
                    int c = (x + Math.max(round, 0)) % paths.size(); // a different order each round
                    SparseRows path = paths.get(c);
                    long t0 = System.nanoTime();
                    int calls = 0;
                    do {
                        if (!path.tryGemm(ta, tb, m, n, k, 1, 1f, A, 0, lda, B, 0, ldb, 0f, C, 0, n)) {
                            throw new IllegalStateException(a[si] + ": the sparse path declined (too few zeros?)");
                        }
                        calls++;
                    } while (System.nanoTime() - t0 < 30_000_000L);
                    if (round >= 0) t[c][round] = (System.nanoTime() - t0) / 1e3 / calls;
                }
            }
            StringBuilder line = new StringBuilder(String.format("%-16s", a[si]));
            for (int c = 0; c < paths.size(); c++) {
                Arrays.sort(t[c]);
                line.append(String.format("  %s %.0f", names.get(c), t[c][rounds / 2]));
            }
            System.out.println(line);
        }
    }
}
