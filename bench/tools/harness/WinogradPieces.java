package org.vectorgrad.backend.vector.conv;
import java.util.*;
import org.vectorgrad.backend.*;
/** conv2 (32->64, 3x3, 14x14, batch 128) Winograd pieces per block of 4 images: median ms per batch. args: backend steps */
public class WinogradPieces {
    public static void main(String[] a) throws Exception {
        String be = a[0]; int steps = Integer.parseInt(a[1]);
        try (Backend b = Backends.create(be, 1)) {
            Gemm gemm = b.gemm();
            int batch = 128, cin = 32, cout = 64, hw = 14, per = Integer.getInteger("per", 4), P = hw * hw;
            int tiles = per * Winograd23.tilesPerImage(hw, hw), ld = Winograd23.leadingDimension(tiles);
            Random r = new Random(1);
            float[] x = new float[batch * cin * P], w = new float[cout * cin * 9], y = new float[batch * cout * P], dy = new float[batch * cout * P], dx = new float[x.length];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat(); for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f; for (int i = 0; i < dy.length; i++) dy[i] = r.nextFloat() - 0.5f;
            float[] u = new float[Winograd23.filterBufferSize(cout, cin)], ur = new float[Winograd23.filterBufferSize(cout, cin)];
            Winograd23.transformWeights(w, 0, cout, cin, u); Winograd23.transformWeightsRotated(w, 0, cout, cin, ur);
            float[] v = new float[Winograd23.bufferSize(Math.max(cin, cout), tiles)], m = new float[Winograd23.bufferSize(Math.max(cin, cout), tiles)];
            float[] pad = new float[Winograd23.padSize(hw, hw)];
            float[] s = new float[Winograd23.weightGradientSize(cin, cout)], part = new float[cout * cin * 9];
            String[] names = {"fwd transformInput", "fwd multiply 64xTx32", "fwd transformOutput", "bwdD transformInput(dy)", "bwdD multiply 32xTx64", "bwdD transformOutput",
                "bwdW transformInput(x)", "bwdW transformOutputGradient", "bwdW multiplyWeightGradient", "bwdW transformWeightGradient"};
            long[][] t = new long[names.length][steps];
            for (int st = 0; st < steps; st++) {
                long[] acc = new long[names.length];
                for (int n0 = 0; n0 < batch; n0 += per) {
                    long t0 = System.nanoTime();
                    Winograd23.transformInput(x, n0 * cin * P, per, cin, hw, hw, v, ld, pad);
                    long t1 = System.nanoTime();
                    Winograd23.multiply(gemm, cout, cin, tiles, u, v, ld, m, ld);
                    long t2 = System.nanoTime();
                    Winograd23.transformOutput(m, ld, per, cout, hw, hw, null, 0, y, n0 * cout * P, pad);
                    long t3 = System.nanoTime();
                    Winograd23.transformInput(dy, n0 * cout * P, per, cout, hw, hw, v, ld, pad);
                    long t4 = System.nanoTime();
                    Winograd23.multiply(gemm, cin, cout, tiles, ur, v, ld, m, ld);
                    long t5 = System.nanoTime();
                    Winograd23.transformOutput(m, ld, per, cin, hw, hw, null, 0, dx, n0 * cin * P, pad);
                    long t6 = System.nanoTime();
                    acc[0] += t1 - t0; acc[1] += t2 - t1; acc[2] += t3 - t2; acc[3] += t4 - t3; acc[4] += t5 - t4; acc[5] += t6 - t5;
                }
                int wimg = 2, wt = wimg * Winograd23.tilesPerImage(hw, hw), wld = Winograd23.leadingDimension(wt);
                for (int n0 = 0; n0 < batch; n0 += 2 * wimg) {
                    for (int half = 0; half < 2; half++) {
                        int i0 = n0 + half * wimg;
                        long t0 = System.nanoTime();
                        Winograd23.transformInput(x, i0 * cin * P, wimg, cin, hw, hw, v, wld, pad);
                        long t1 = System.nanoTime();
                        Winograd23.transformOutputGradient(dy, i0 * cout * P, wimg, cout, hw, hw, m, wld);
                        long t2 = System.nanoTime();
                        Winograd23.multiplyWeightGradient(gemm, cin, cout, wt, v, m, wld, half == 0 ? 0f : 1f, s, 0);
                        long t3 = System.nanoTime();
                        acc[6] += t1 - t0; acc[7] += t2 - t1; acc[8] += t3 - t2;
                    }
                    long t3 = System.nanoTime();
                    Winograd23.transformWeightGradient(s, 0, cin, cout, part, 0);
                    acc[9] += System.nanoTime() - t3;
                }
                for (int i = 0; i < names.length; i++) t[i][st] = acc[i];
            }
            for (int i = 0; i < names.length; i++) {
                long[] q = Arrays.copyOfRange(t[i], steps / 3, steps); Arrays.sort(q);
                System.out.printf("%-34s median %7.3f ms per batch of %d%n", names[i], q[q.length / 2] / 1e6, batch);
            }
        }
    }
}
