package org.vectorgrad.backend.vector.conv;
import java.util.*;
import org.vectorgrad.backend.*;
/**
 * The convolution's own forward, backward-weights and backward-data calls at the reference CNN's second layer (32→64,
 * 3×3, 14×14), a batch of 128 in chunks of `chunk` images and whole; median ms per batch. -Dthreads=N. args: backend steps chunk
 */
public class ConvCall {
    public static void main(String[] a) throws Exception {
        String be = a[0]; int steps = Integer.parseInt(a[1]); int chunk = Integer.parseInt(a[2]);
        try (Backend b = Backends.create(be, Integer.getInteger("threads", 1))) {
            Convolution conv = b.convolution();
            System.out.println(conv.getClass() + " " + b.gemm().getClass());
            int batch = 128, cin = 32, cout = 64, hw = 14, K = cin * 9, P = hw * hw;
            ConvGeometry g = ConvGeometry.simple(chunk, cin, hw, hw, cout, 3, 1, 1), gAll = ConvGeometry.simple(batch, cin, hw, hw, cout, 3, 1, 1);
            Random r = new Random(1);
            float[] x = new float[batch * cin * P], w = new float[cout * K], bias = new float[cout], y = new float[batch * cout * P], dy = new float[batch * cout * P], dx = new float[x.length], dw = new float[cout * K], db = new float[cout];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat(); for (int i = 0; i < w.length; i++) w[i] = r.nextFloat(); for (int i = 0; i < dy.length; i++) dy[i] = r.nextFloat();
            Scratch s = new Scratch();
            long[][] t = new long[6][steps];
            for (int st = 0; st < steps; st++) {
                for (int n0 = 0; n0 < batch; n0 += chunk) {
                    long t0 = System.nanoTime();
                    conv.forward(g, x, n0 * cin * P, w, 0, bias, 0, y, n0 * cout * P, s);
                    long t1 = System.nanoTime();
                    conv.backwardWeights(g, x, n0 * cin * P, dy, n0 * cout * P, dw, 0, db, 0, s);
                    long t2 = System.nanoTime();
                    conv.backwardData(g, dy, n0 * cout * P, w, 0, dx, n0 * cin * P, s);
                    long t3 = System.nanoTime();
                    t[0][st] += t1 - t0; t[1][st] += t2 - t1; t[2][st] += t3 - t2;
                }
                long t0 = System.nanoTime();
                conv.forward(gAll, x, 0, w, 0, bias, 0, y, 0, s);
                long t1 = System.nanoTime();
                conv.backwardWeights(gAll, x, 0, dy, 0, dw, 0, db, 0, s);
                long t2 = System.nanoTime();
                conv.backwardData(gAll, dy, 0, w, 0, dx, 0, s);
                long t3 = System.nanoTime();
                t[3][st] += t1 - t0; t[4][st] += t2 - t1; t[5][st] += t3 - t2;
            }
            String[] names = {"forward", "backwardWeights", "backwardData", "forward whole", "bwdW whole", "bwdD whole"};
            for (int k = 0; k < 6; k++) { long[] v = Arrays.copyOfRange(t[k], steps / 3, steps); Arrays.sort(v); System.out.printf("%-16s median %7.3f ms per batch of 128 (chunks of %d)%n", names[k], v[v.length / 2] / 1e6, chunk); }
        }
    }
}
