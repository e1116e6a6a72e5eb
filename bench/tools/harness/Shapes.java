import java.util.*;
import org.vectorgrad.backend.*;
/**
 * Several GEMM shapes alternating in slices of -Dcalls calls (200) in one JVM: median µs per call and the median
 * per-round time ratio to the first shape, e.g. whether a masked last column panel costs more than a whole one
 * (64x196x32 against 64x208x32, docs/benchmarks-log.md sixteenth pass). Backend "small" is the vector GEMM with the
 * unpacked path for every single-KC product (no work limit). Each shape first runs alone for -Dwarmcalls calls (10000)
 * or one second.
 *   args: backend rounds shape... (MxNxK[:TT])
 */
public class Shapes {
    public static void main(String[] a) throws Exception {
        Gemm g;
        if (a[0].equals("small")) { // the vector GEMM with the unpacked path for every single-KC product
            var blk = org.vectorgrad.backend.vector.VectorBackend.blockingFor(org.vectorgrad.backend.vector.VectorBackend.defaultBits());
            g = new org.vectorgrad.backend.vector.gemm.BlockedGemm(blk, new org.vectorgrad.parallel.Dispatcher(1), Long.MAX_VALUE,
                    org.vectorgrad.backend.vector.gemm.BlockedGemm.SMALL_MAX_B, Long.MAX_VALUE);
        } else g = Backends.create(a[0], 1).gemm(); int rounds = Integer.parseInt(a[1]);
        int calls = Integer.getInteger("calls", 200);
        int s = a.length - 2; int[][] dims = new int[s][]; boolean[][] tt = new boolean[s][2];
        float[][][] buf = new float[s][3][]; Random r = new Random(1);
        for (int i = 0; i < s; i++) {
            String[] p = a[i + 2].split(":"); String[] d = p[0].split("x");
            dims[i] = new int[] {Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2])};
            if (p.length > 1) { tt[i][0] = p[1].charAt(0) == 'T'; tt[i][1] = p[1].charAt(1) == 'T'; }
            int m = dims[i][0], n = dims[i][1], k = dims[i][2];
            buf[i][0] = new float[m * k]; buf[i][1] = new float[k * n]; buf[i][2] = new float[m * n];
            for (float[] f : buf[i]) for (int j = 0; j < f.length; j++) f[j] = r.nextFloat() - 0.5f;
        }
        double[][] t = new double[s][rounds];
        // each shape alone first, for -Dwarmcalls calls (10000) or one second: with few calls per slice a small
        // product can otherwise be measured before C2 has compiled its path (benchmarks-log.md, twenty-first pass)
        for (int i = 0; i < s; i++) {
            int m = dims[i][0], n = dims[i][1], k = dims[i][2]; boolean ta = tt[i][0], tb = tt[i][1];
            long w0 = System.nanoTime();
            for (int c = 0, warm = Integer.getInteger("warmcalls", 10000); c < warm && System.nanoTime() - w0 < 1_000_000_000L; c++) {
                g.gemm(ta, tb, m, n, k, 1f, buf[i][0], 0, ta ? m : k, buf[i][1], 0, tb ? k : n, 0f, buf[i][2], 0, n);
            }
        }
        for (int round = -rounds / 4; round < rounds; round++) {
            for (int i = 0; i < s; i++) {
                int m = dims[i][0], n = dims[i][1], k = dims[i][2]; boolean ta = tt[i][0], tb = tt[i][1];
                int lda = ta ? m : k, ldb = tb ? k : n;
                long t0 = System.nanoTime();
                for (int c = 0; c < calls; c++) g.gemm(ta, tb, m, n, k, 1f, buf[i][0], 0, lda, buf[i][1], 0, ldb, 0f, buf[i][2], 0, n);
                long t1 = System.nanoTime();
                if (round >= 0) t[i][round] = (t1 - t0) / 1e3 / calls;
            }
        }
        for (int i = 0; i < s; i++) {
            double[] q = new double[rounds]; for (int j = 0; j < rounds; j++) q[j] = t[i][j] / t[0][j];
            Arrays.sort(q); double[] ti = t[i].clone(); Arrays.sort(ti);
            double fl = 2.0 * dims[i][0] * dims[i][1] * dims[i][2];
            System.out.printf("%-16s median %8.2f us (%6.1f GF/s)  time/first %.3f%n", a[i + 2], ti[rounds / 2], fl / ti[rounds / 2] / 1e3, q[rounds / 2]);
        }
    }
}
