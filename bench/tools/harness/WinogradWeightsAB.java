import java.util.Arrays;
import java.util.Random;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The reference CNN's conv2 weight gradient (32→64, 3×3 pad 1, 14×14, batch 128) by Winograd and by im2col, on the
 * backend's GEMM, alternating calls in one JVM: median ms per batch of each, the median per-round time ratio
 * Winograd ÷ im2col, and the largest difference between the two against the largest |dw| (docs/decisions.md §9d).
 * args: backend threads rounds [chunk] (chunk: images per call, as ConvReluPool cuts the batch; default the whole batch)
 */
public class WinogradWeightsAB {
    public static void main(String[] a) throws Exception {
        String be = a[0];
        int threads = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
        int batch = 128, cin = 32, cout = 64, hw = 14, plane = hw * hw, chunk = a.length > 3 ? Integer.parseInt(a[3]) : batch;
        try (Backend b = Backends.create(be, threads); Dispatcher d = new Dispatcher(threads)) {
            VectorConvolution wino = new VectorConvolution(b.gemm(), d, true, true, true), im2col = new VectorConvolution(b.gemm(), d, true, true, false);
            ConvGeometry g = ConvGeometry.simple(chunk, cin, hw, hw, cout, 3, 1, 1);
            Random r = new Random(1);
            float[] x = new float[batch * cin * plane], dy = new float[batch * cout * plane];
            for (int i = 0; i < x.length; i++) x[i] = Math.max(0f, (float) r.nextGaussian());   // behind a ReLU and a pool
            for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextGaussian() * 0.01f;
            float[] dwW = new float[cout * cin * 9], dwI = new float[dwW.length], db = new float[cout];
            Scratch sw = new Scratch(), si = new Scratch();
            double[] tw = new double[rounds], ti = new double[rounds], ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                boolean winoFirst = round % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean w8 = (k == 0) == winoFirst;
                    float[] dw = w8 ? dwW : dwI;
                    Arrays.fill(dw, 0f);
                    long t0 = System.nanoTime();
                    for (int n0 = 0; n0 < batch; n0 += chunk) {
                        (w8 ? wino : im2col).backwardWeights(g.withBatch(Math.min(chunk, batch - n0)), x, n0 * cin * plane,
                                dy, n0 * cout * plane, dw, 0, db, 0, w8 ? sw : si);
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (w8) tw[round] = ms; else ti[round] = ms;
                }
                ratio[round] = tw[round] / ti[round];
            }
            double diff = 0, most = 0;
            for (int i = 0; i < dwW.length; i++) { diff = Math.max(diff, Math.abs(dwW[i] - dwI[i])); most = Math.max(most, Math.abs(dwI[i])); }
            System.out.printf("%s, %d thread(s), chunks of %d: Winograd %.3f ms, im2col %.3f ms per batch; Winograd ÷ im2col %.3f (median of rounds %d..%d); max |difference| %.2e, max |dw| %.2e%n",
                    be, threads, chunk, median(tw, rounds / 3), median(ti, rounds / 3), median(ratio, rounds / 3), rounds / 3, rounds - 1, diff, most);
        }
    }

    private static double median(double[] v, int from) {
        double[] s = Arrays.copyOfRange(v, from, v.length);
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
