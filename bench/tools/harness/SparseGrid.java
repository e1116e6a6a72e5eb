package org.vectorgrad.backend.vector.gemm;
import java.util.*;
/**
 * The sparse-rows kernel's column blocks and sub-blocks (docs/decisions.md §2br, §2bu): each product through
 * SparseRows with at most V vectors per column block and S floats of op(B) per sub-block, every (V, S) alternating in
 * 30 ms slices in one JVM, this JVM's array alignment; prints the median µs per call of each and, where 12 / 8192
 * (the library's) is in the grid, its time ÷ each.
 *   args: rounds zeroFraction shapes(MxNxK:TT,...) vectors(,...) subBlockFloats(,...)   run with -XX:UseAVX=2
 */
public class SparseGrid {
    public static void main(String[] a) throws Exception {
        String[] shapes = a[2].split(",");
        int rounds = Integer.parseInt(a[0]); double zeros = Double.parseDouble(a[1]);
        int[] vecs = Arrays.stream(a[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] subs = Arrays.stream(a[4].split(",")).mapToInt(Integer::parseInt).toArray();
        Random r = new Random(1);
        List<SparseRows> cfg = new ArrayList<>(); List<String> names = new ArrayList<>();
        for (int v : vecs) for (int s : subs) { cfg.add(new SparseRows(256, v, s, ArrayAlignment.current())); names.add(v + "v/" + s); }
        for (String sh : shapes) {
            String[] p = sh.split(":"); String[] dm = p[0].split("x");
            int m = Integer.parseInt(dm[0]), n = Integer.parseInt(dm[1]), k = Integer.parseInt(dm[2]);
            boolean ta = p[1].charAt(0) == 'T', tb = p[1].charAt(1) == 'T';
            float[] A = new float[m * k], B = new float[k * n], C = new float[m * n];
            for (int i = 0; i < A.length; i++) A[i] = r.nextDouble() < zeros ? 0f : (float) r.nextGaussian();
            for (int i = 0; i < B.length; i++) B[i] = (float) r.nextGaussian();
            int lda = ta ? m : k, ldb = tb ? k : n;
            double[][] t = new double[cfg.size()][rounds];
            for (int round = -2; round < rounds; round++) {
                for (int x = 0; x < cfg.size(); x++) {
                    int c = (x + Math.max(round, 0)) % cfg.size();
                    SparseRows sp = cfg.get(c);
                    long t0 = System.nanoTime(); int calls = 0;
                    do { if (!sp.tryGemm(ta, tb, m, n, k, 1, 1f, A, 0, lda, B, 0, ldb, 0f, C, 0, n)) throw new AssertionError(); calls++; } while (System.nanoTime() - t0 < 30_000_000L);
                    if (round >= 0) t[c][round] = (System.nanoTime() - t0) / 1e3 / calls;
                }
            }
            StringBuilder sb = new StringBuilder(String.format("%-16s", sh));
            double base = 0;
            for (int c = 0; c < cfg.size(); c++) { Arrays.sort(t[c]); if (names.get(c).equals("12v/8192")) base = t[c][rounds / 2]; }
            for (int c = 0; c < cfg.size(); c++) sb.append(String.format(" %s %.0f%s", names.get(c), t[c][rounds / 2], base > 0 ? String.format("(%.2f)", base / t[c][rounds / 2]) : ""));
            System.out.println(sb);
        }
    }
}
