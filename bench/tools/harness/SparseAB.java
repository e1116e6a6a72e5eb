import java.util.*;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The sparse-rows path (docs/decisions.md §2br) against the dense paths of the same vector GEMM, alternating in one
 * JVM, on products whose op(A) has a given fraction of zeros (random positions, like a ReLU's): checks both give the
 * same bits, then prints the median µs per call of each and the median per-round ratio dense ÷ sparse.
 *   args: threads rounds zeroFraction shape... (MxNxK[:TT]); -Dbits=256 under -XX:UseAVX=2
 */
public class SparseAB {
    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[0]), rounds = Integer.parseInt(a[1]);
        double zeros = Double.parseDouble(a[2]);
        int bits = Integer.getInteger("bits", VectorBackend.defaultBits());
        var blk = VectorBackend.blockingFor(bits);
        try (Dispatcher d = new Dispatcher(threads)) {
            BlockedGemm dense = BlockedGemm.withSparseRows(blk, d, 1L << 22, false), sparse = BlockedGemm.withSparseRows(blk, d, 1L << 22, true);
            Random r = new Random(1);
            for (int s = 3; s < a.length; s++) {
                String[] p = a[s].split(":"); String[] dm = p[0].split("x");
                int m = Integer.parseInt(dm[0]), n = Integer.parseInt(dm[1]), k = Integer.parseInt(dm[2]);
                boolean ta = p.length > 1 && p[1].charAt(0) == 'T', tb = p.length > 1 && p[1].charAt(1) == 'T';
                float[] A = new float[m * k], B = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
                for (int i = 0; i < A.length; i++) A[i] = r.nextDouble() < zeros ? 0f : (float) r.nextGaussian();
                for (int i = 0; i < B.length; i++) B[i] = (float) r.nextGaussian();
                int lda = ta ? m : k, ldb = tb ? k : n;
                dense.gemm(ta, tb, m, n, k, 1f, A, 0, lda, B, 0, ldb, 0f, c1, 0, n);
                sparse.gemm(ta, tb, m, n, k, 1f, A, 0, lda, B, 0, ldb, 0f, c2, 0, n);
                if (!Arrays.equals(c1, c2)) throw new AssertionError(a[s] + ": the two paths' bits differ");
                double[][] t = new double[2][rounds]; double[] q = new double[rounds];
                BlockedGemm[] g = {dense, sparse};
                // each path alone first for -Dwarm seconds (2): C2 must have compiled both before the rounds count
                for (BlockedGemm gg : g) {
                    long w0 = System.nanoTime();
                    while (System.nanoTime() - w0 < (long) (Double.parseDouble(System.getProperty("warm", "2")) * 1e9)) {
                        gg.gemm(ta, tb, m, n, k, 1f, A, 0, lda, B, 0, ldb, 0f, c1, 0, n);
                    }
                }
                for (int round = -rounds / 2; round < rounds; round++) {
                    for (int x = 0; x < 2; x++) {
                        int which = (round & 1) == 0 ? x : 1 - x; // alternate which goes first
                        BlockedGemm gg = g[which];
                        long t0 = System.nanoTime(); int calls = 0;
                        do { gg.gemm(ta, tb, m, n, k, 1f, A, 0, lda, B, 0, ldb, 0f, which == 0 ? c1 : c2, 0, n); calls++; } while (System.nanoTime() - t0 < 30_000_000L);
                        if (round >= 0) t[which][round] = (System.nanoTime() - t0) / 1e3 / calls;
                    }
                    if (round >= 0) q[round] = t[0][round] / t[1][round];
                }
                for (double[] x : t) Arrays.sort(x); Arrays.sort(q);
                
                double fl = 2.0 * m * n * k;
                System.out.printf("%-16s zeros %.2f  dense %8.1f us (%5.1f GF/s)  sparse %8.1f us (%5.1f GF/s dense-equivalent)  dense/sparse %.3f%n",
                        a[s], zeros, t[0][rounds / 2], fl / t[0][rounds / 2] / 1e3, t[1][rounds / 2], fl / t[1][rounds / 2] / 1e3, q[rounds / 2]);
            }
        }
    }
}
