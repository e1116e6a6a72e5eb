import org.vectorgrad.backend.vector.*;
import org.vectorgrad.backend.vector.gemm.*;
import org.vectorgrad.parallel.Dispatcher;
import java.util.*;

public class Threshold {
    public static void main(String[] args) {
        GemmBlocking blk = VectorBackend.blockingFor(Integer.parseInt(args[0]));
        Dispatcher d1 = new Dispatcher(1), d2 = new Dispatcher(2);
        BlockedGemm g1 = new BlockedGemm(blk, d1, Long.MAX_VALUE), g2 = new BlockedGemm(blk, d2, 0);
        String[] shapes = Arrays.copyOfRange(args, 1, args.length);
        double[][] best = new double[shapes.length][2];
        for (int round = 0; round < 12; round++) {
            for (int s = 0; s < shapes.length; s++) {
                String[] p = shapes[s].split("[x:]");
                int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                Arrays.fill(a, 0.5f); Arrays.fill(b, 0.25f);
                for (int t = 0; t < 2; t++) {
                    BlockedGemm g = t == 0 ? g1 : g2;
                    long t0 = System.nanoTime(); int it = 0;
                    do { g.gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n); it++; } while (System.nanoTime() - t0 < 40_000_000L);
                    double gf = 2.0 * m * n * k * it / (System.nanoTime() - t0);
                    if (round > 1) best[s][t] = Math.max(best[s][t], gf);
                }
            }
        }
        System.out.println("shape (NT)        m*n*k     1T GF/s  2T GF/s  2T/1T");
        for (int s = 0; s < shapes.length; s++) {
            String[] p = shapes[s].split("[x:]");
            long w = Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
            System.out.printf("%-16s %9d  %7.1f  %7.1f  %5.2f%n", shapes[s], w, best[s][0], best[s][1], best[s][1] / best[s][0]);
        }
        d1.close(); d2.close();
    }
}
