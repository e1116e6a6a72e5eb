import java.util.*;
import org.vectorgrad.backend.*;
/** Bytes and µs per batch-norm call (train, backward or both) on ResNet-like shapes after warm-up, vector backend (benchmarks-log.md, sixth pass). args: threads [train|back|both] */
public class BnAlloc {
    public static void main(String[] a) throws Exception {
        int threads = a.length > 0 ? Integer.parseInt(a[0]) : 1;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int[][] shapes = {{32, 16, 32 * 32}, {32, 32, 16 * 16}, {32, 64, 8 * 8}};
        try (Backend b = Backends.create("vector", threads)) {
            Normalization nz = b.normalization();
            float[][] xs = new float[3][], ys = new float[3][], dys = new float[3][], dxs = new float[3][];
            for (int s = 0; s < 3; s++) { int n = shapes[s][0] * shapes[s][1] * shapes[s][2]; xs[s] = new float[n]; ys[s] = new float[n]; dys[s] = new float[n]; dxs[s] = new float[n];
                Random r = new Random(s); for (int i = 0; i < n; i++) { xs[s][i] = (float) r.nextGaussian(); dys[s][i] = (float) r.nextGaussian(); } }
            float[] g = new float[64], be = new float[64], rm = new float[64], rv = new float[64], sm = new float[64], si = new float[64], dg = new float[64], db = new float[64];
            Arrays.fill(g, 1f); Arrays.fill(rv, 1f);
            for (int round = 0; round < 6; round++) {
                long b0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime(); int calls = 0;
                for (int it = 0; it < 400; it++) for (int s = 0; s < 3; s++) {
                    int n = shapes[s][0], c = shapes[s][1], sp = shapes[s][2];
                    if (a.length < 2 || !a[1].equals("back")) nz.batchNormTrain(n, c, sp, xs[s], 0, g, be, 1e-5f, 0.1f, rm, rv, ys[s], 0, sm, si);
                    if (a.length < 2 || !a[1].equals("train")) nz.batchNormBackward(n, c, sp, xs[s], 0, dys[s], 0, sm, si, g, true, dxs[s], 0, dg, db);
                    calls++;
                }
                long b1 = mx.getCurrentThreadAllocatedBytes(), t1 = System.nanoTime();
                System.out.printf("round %d: %.0f B and %.1f us per (train + backward) over 3 shapes%n", round, (b1 - b0) / (double) calls, (t1 - t0) / 1e3 / calls);
            }
        }
    }
}
