import java.util.*;
import org.vectorgrad.backend.*;
/**
 * GEMM at 1 and 2 threads on one backend, alternating 300 ms slices in one JVM, round after round: prints each
 * round's GFLOP/s and the median of the per-round 2-thread ÷ 1-thread ratios (docs/benchmarks-log.md, third pass).
 *   args: M N K backend rounds   (e.g. 1024 1024 1024 vector 12)
 */
public class GemmScale {
    public static void main(String[] a) throws Exception {
        int m = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]), k = Integer.parseInt(a[2]); String be = a[3]; int rounds = Integer.parseInt(a[4]);
        Backend[] bs = {Backends.create(be, 1), Backends.create(be, 2)};
        Random r = new Random(1);
        float[] A = new float[m * k], B = new float[k * n], C = new float[m * n];
        for (int i = 0; i < A.length; i++) A[i] = r.nextFloat(); for (int i = 0; i < B.length; i++) B[i] = r.nextFloat();
        double[][] gf = new double[2][rounds];
        for (int round = -2; round < rounds; round++) for (int t = 0; t < 2; t++) {
            Backend b = bs[(round & 1) == 0 ? t : 1 - t]; int ti = b.threads() - 1;
            long t0 = System.nanoTime(); int it = 0;
            do { b.gemm().gemm(false, false, m, n, k, 1f, A, 0, k, B, 0, n, 0f, C, 0, n); it++; } while (System.nanoTime() - t0 < 300_000_000L);
            if (round >= 0) gf[ti][round] = 2.0 * m * n * k * it / (System.nanoTime() - t0);
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) ratio[i] = gf[1][i] / gf[0][i];
        System.out.println(be + " " + m + "x" + n + "x" + k + " 1t " + Arrays.toString(Arrays.stream(gf[0]).map(Math::round).toArray()));
        System.out.println(be + " 2t " + Arrays.toString(Arrays.stream(gf[1]).map(Math::round).toArray()));
        Arrays.sort(ratio); double[] g0 = gf[0].clone(), g1 = gf[1].clone(); Arrays.sort(g0); Arrays.sort(g1);
        System.out.printf("%s ratio per round: median %.2f; best 2t / best 1t %.2f%n", be, ratio[rounds / 2], g1[rounds - 1] / g0[rounds - 1]);
        for (Backend b : bs) b.close();
    }
}
