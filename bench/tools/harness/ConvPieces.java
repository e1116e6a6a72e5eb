package org.vectorgrad.backend.vector.conv;
import java.util.*;
import org.vectorgrad.backend.*;
/**
 * The pieces of the reference CNN's second convolution (32→64, 3×3, 14×14, batch 128) as `VectorConvolution` runs them
 * (im2col, bias fill, GEMM, scatter; gather, GEMM, col2im and its register-row form; per-image im2col and GEMM of the
 * weight gradient), each timed on its own: median ms per batch. args: backend steps
 */
public class ConvPieces {
    public static void main(String[] a) throws Exception {
        String be = a[0]; int steps = Integer.parseInt(a[1]);
        try (Backend b = Backends.create(be, 1)) {
            Gemm gemm = b.gemm();
            int batch = 128, cin = 32, cout = 64, hw = 14, per = 4, K = cin * 9, P = hw * hw, ld = per * P;
            ConvGeometry g = ConvGeometry.simple(1, cin, hw, hw, cout, 3, 1, 1);
            Random r = new Random(1);
            float[] x = new float[batch * cin * P], w = new float[cout * K], bias = new float[cout], y = new float[batch * cout * P], dy = new float[batch * cout * P], dx = new float[x.length];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat(); for (int i = 0; i < w.length; i++) w[i] = r.nextFloat(); for (int i = 0; i < dy.length; i++) dy[i] = r.nextFloat();
            float[] cols = new float[K * ld + 64], cols2 = new float[Im2col.LEAD + K * ld + 64], out = new float[cout * ld], pad = new float[Im2col.padSize(g)], part = new float[cout * K], gathered = new float[cout * ld], cols1 = new float[K * P + 64];
            String[] names = {"fwd im2col", "fwd bias fill", "fwd gemm 64x784x288", "fwd scatter", "bwdD gather", "bwdD gemm 288x784x64 TN", "bwdD col2im", "bwdW im2col (per image)", "bwdW gemm 64x288x196 NT (per image)", "bwdD col2imRows"};
            long[][] t = new long[names.length][steps];
            for (int st = 0; st < steps; st++) {
                long[] acc = new long[names.length];
                for (int n0 = 0; n0 < batch; n0 += per) {
                    long t0 = System.nanoTime();
                    for (int j = 0; j < per; j++) Im2col.im2col(g, x, (n0 + j) * cin * P, 0, cols, j * P, ld, pad);
                    long t1 = System.nanoTime();
                    ChannelOps.fillRows(bias, 0, cout, ld, out, 0);
                    long t2 = System.nanoTime();
                    gemm.gemm(false, false, cout, ld, K, 1f, w, 0, K, cols, 0, ld, 1f, out, 0, ld);
                    long t3 = System.nanoTime();
                    for (int j = 0; j < per; j++) for (int o = 0; o < cout; o++) System.arraycopy(out, o * ld + j * P, y, ((n0 + j) * cout + o) * P, P);
                    long t4 = System.nanoTime();
                    for (int j = 0; j < per; j++) for (int o = 0; o < cout; o++) System.arraycopy(dy, ((n0 + j) * cout + o) * P, gathered, o * ld + j * P, P);
                    long t5 = System.nanoTime();
                    gemm.gemm(true, false, K, ld, cout, 1f, w, 0, K, gathered, 0, ld, 0f, cols, 0, ld);
                    long t6 = System.nanoTime();
                    for (int j = 0; j < per; j++) Im2col.col2im(g, cols, j * P, ld, dx, (n0 + j) * cin * P, 0, pad);
                    long t7 = System.nanoTime();
                    long im = 0, gm = 0;
                    for (int j = 0; j < per; j++) {
                        long u0 = System.nanoTime();
                        Im2col.im2col(g, x, (n0 + j) * cin * P, 0, cols1, 0, P, pad);
                        long u1 = System.nanoTime();
                        gemm.gemm(false, true, cout, K, P, 1f, dy, (n0 + j) * cout * P, P, cols1, 0, P, j == 0 ? 0f : 1f, part, 0, K);
                        long u2 = System.nanoTime();
                        im += u1 - u0; gm += u2 - u1;
                    }
                    System.arraycopy(cols, 0, cols2, Im2col.LEAD, K * ld);
                    long t8 = System.nanoTime();
                    for (int j = 0; j < per; j++) Im2col.col2imRows(g, cols2, Im2col.LEAD + j * P, ld, dx, (n0 + j) * cin * P, 0, pad);
                    long t9 = System.nanoTime();
                    long[] d = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6, im, gm, t9 - t8};
                    for (int k = 0; k < d.length; k++) acc[k] += d[k];
                }
                for (int k = 0; k < names.length; k++) t[k][st] = acc[k];
            }
            double tot = 0;
            for (int k = 0; k < names.length; k++) {
                long[] v = Arrays.copyOfRange(t[k], steps / 3, steps); Arrays.sort(v);
                tot += v[v.length / 2] / 1e6;
                System.out.printf("%-40s median %7.3f ms per batch of 128%n", names[k], v[v.length / 2] / 1e6);
            }
            System.out.printf("total %.2f ms%n", tot);
        }
    }
}
