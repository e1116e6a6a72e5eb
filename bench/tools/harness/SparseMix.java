import java.util.Random;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The sparse-rows GEMM and the dense one called alternately in one JVM, µs per call of each in 12 half-second
 * slices: a check for the C2 fault of docs/decisions.md §2bv, where a kernel compiled after another vector width's
 * kernels had filled the Vector API's shared type profiles kept its vectors boxed (the sparse calls 2-9x slower than
 * alone, in some JVMs only). Run it in several JVMs with the launcher's compile thresholds; a healthy JVM prints
 * sparse ≈ dense or faster in every late slice. At 512 bits only CPUs that run 512-bit operations as two halves (AMD
 * Zen 4) have a sparse path, with 512-bit kernels (§2bx); elsewhere both calls are dense at 512 bits, so run it under
 * -XX:UseAVX=2 there. Add -XX:ObjectAlignmentInBytes=64 for the launcher's placement of op(B)'s rows.
 *   args: threads zeroFraction [MxNxK, default 128x512x256]   (NN; op(A) with that fraction of zeros at random)
 */
public class SparseMix {
    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[0]);
        double zeros = Double.parseDouble(a[1]);
        String[] dims = (a.length > 2 ? a[2] : "128x512x256").split("x");
        int m = Integer.parseInt(dims[0]), n = Integer.parseInt(dims[1]), k = Integer.parseInt(dims[2]);
        var blk = VectorBackend.blockingFor(VectorBackend.defaultBits());
        try (Dispatcher d = new Dispatcher(threads)) {
            BlockedGemm sparse = BlockedGemm.withSparseRows(blk, d, 1L << 22, true), dense = BlockedGemm.withSparseRows(blk, d, 1L << 22, false);
            Random r = new Random(1);
            float[] A = new float[m * k], B = new float[k * n], C = new float[m * n];
            for (int i = 0; i < A.length; i++) A[i] = r.nextDouble() < zeros ? 0f : (float) r.nextGaussian();
            for (int i = 0; i < B.length; i++) B[i] = (float) r.nextGaussian();
            for (int s = 0; s < 12; s++) {
                long ts = 0, td = 0, t0 = System.nanoTime();
                int calls = 0;
                while (System.nanoTime() - t0 < 500_000_000L) {
                    long x = System.nanoTime();
                    sparse.gemm(false, false, m, n, k, 1f, A, 0, k, B, 0, n, 0f, C, 0, n);
                    long y = System.nanoTime();
                    dense.gemm(false, false, m, n, k, 1f, A, 0, k, B, 0, n, 0f, C, 0, n);
                    td += System.nanoTime() - y;
                    ts += y - x;
                    calls++;
                }
                System.out.printf("slice %2d: sparse %8.1f us/call, dense %8.1f us/call%n", s, ts / 1e3 / calls, td / 1e3 / calls);
            }
        }
    }
}
