import org.vectorgrad.backend.*;
import java.util.*;
/**
 * One NN shape measured after its kernels were compiled alone or while 128x512x784 NT ran between its slices: phases
 * "alone" and "mixed" in the order given (e.g. alone,mixed or mixed,alone), best GF/s of each phase (decisions §2ah:
 * the order in which C2 compiled the unpacked tiles changed their speed for good). args: phases M N K.
 */
public class CompileOrder {
    static double run(Backend be, int m, int n, int k, boolean ta, boolean tb, float[] a, float[] b, float[] c, long ns) {
        long t0 = System.nanoTime(); long it = 0;
        do { be.gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n); it++; } while (System.nanoTime() - t0 < ns);
        return 2.0 * m * n * k * it / (System.nanoTime() - t0);
    }
    public static void main(String[] args) {
        Backend be = Backends.create("vector", 1);
        Random r = new Random(1);
        int M = Integer.parseInt(args[1]), N = Integer.parseInt(args[2]), K = Integer.parseInt(args[3]);
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
        float[] A = new float[128 * 784], B = new float[512 * 784], C = new float[128 * 512];
        for (float[] x : new float[][] {a, b, A, B}) for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        String order = args[0]; // "alone-first" or "mixed-first"
        StringBuilder sb = new StringBuilder();
        for (String phase : order.split(",")) {
            double best = 0;
            for (int i = 0; i < 40; i++) {
                if (phase.equals("mixed")) run(be, 128, 512, 784, false, true, A, B, C, 60_000_000L);
                double g = run(be, M, N, K, false, false, a, b, c, 60_000_000L);
                if (i >= 5) best = Math.max(best, g);
            }
            sb.append(String.format(" %s %.1f", phase, best));
        }
        System.err.println(sb);
    }
}
