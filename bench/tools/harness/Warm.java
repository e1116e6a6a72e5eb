import org.vectorgrad.backend.*;
import java.util.*;
/** Fresh-JVM warm-up of one shape: GF/s per 250 ms window for 4 s, and the time until a window reaches 85% of the last second's rate. */
public class Warm {
    public static void main(String[] args) {
        Backend be = Backends.create("vector", 1);
        int m = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]), k = Integer.parseInt(args[2]);
        Random r = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        double[] w = new double[16];
        for (int win = 0; win < 16; win++) {
            long t0 = System.nanoTime(); long it = 0;
            do { be.gemm().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n); it++; } while (System.nanoTime() - t0 < 250_000_000L);
            w[win] = 2.0 * m * n * k * it / (System.nanoTime() - t0);
        }
        double steady = (w[12] + w[13] + w[14] + w[15]) / 4; int first = -1;
        for (int i = 0; i < 16; i++) if (w[i] >= 0.85 * steady) { first = i; break; }
        StringBuilder sb = new StringBuilder();
        for (double x : w) sb.append(String.format(" %.0f", x));
        System.err.printf("%dx%dx%d windows:%s | 85%% of steady (%.0f) from window %d (%.2f s)%n", m, n, k, sb, steady, first, first * 0.25);
    }
}
