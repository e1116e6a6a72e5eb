import java.util.Arrays;
import java.util.SplittableRandom;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;

/**
 * The convolution GEMMs of the reference CNN (conv2: 32 -> 64 channels, 3x3, 14x14 maps, 4 images per GEMM), vector
 * against blas, interleaved round-robin in one JVM: the measurement behind docs/decisions.md §8 (which GEMM auto
 * sends the conv GEMMs to). Arguments: threads rounds. Prints best and median microseconds per call.
 *   forward          64 x 784 x 288 NN    (W_g · cols)
 *   backward data   288 x 784 x 64  TN    (W_gᵀ · dY)
 *   backward weights 64 x 288 x 196 NT    (dy · colsᵀ, one image)
 */
public final class ConvGemm {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int[][] shapes = {{64, 784, 288, 0, 0}, {288, 784, 64, 1, 0}, {64, 288, 196, 0, 1}};
        String[] names = {"fwd 64x784x288:NN", "bwd-data 288x784x64:TN", "bwd-weights 64x288x196:NT"};
        try (Backend vector = Backends.create("vector", threads); Backend blas = Backends.create("blas", threads)) {
            Backend[] bes = {vector, blas};
            double[][][] us = new double[shapes.length][2][rounds];
            SplittableRandom r = new SplittableRandom(1);
            for (int round = -2; round < rounds; round++) {          // two warm-up rounds, not recorded
                for (int s = 0; s < shapes.length; s++) {
                    int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                    boolean ta = shapes[s][3] == 1, tb = shapes[s][4] == 1;
                    float[] a = rnd(r, m * k), b = rnd(r, k * n), c = new float[m * n];
                    for (int i = 0; i < 2; i++) {
                        Backend be = bes[(round + s + i) % 2 == 0 ? 0 : 1];   // alternate which goes first
                        int bi = be == vector ? 0 : 1;
                        int calls = 0;
                        long t0 = System.nanoTime(), t;
                        do {
                            be.gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                            calls++;
                            t = System.nanoTime();
                        } while (t - t0 < 60_000_000L);
                        if (round >= 0) us[s][bi][round] = (t - t0) / 1e3 / calls;
                    }
                }
            }
            System.out.printf("threads %d, %d rounds, load %s%n", threads, rounds, load());
            for (int s = 0; s < shapes.length; s++) {
                double[] v = us[s][0].clone(), bl = us[s][1].clone();
                Arrays.sort(v);
                Arrays.sort(bl);
                System.out.printf("%-28s vector best %8.1f med %8.1f | blas best %8.1f med %8.1f | vector/blas time (best) %.2f%n",
                        names[s], v[0], v[rounds / 2], bl[0], bl[rounds / 2], v[0] / bl[0]);
            }
        }
    }

    private static float[] rnd(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
