import java.nio.file.*;
import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.data.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.parallel.Dispatcher;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.*;

/**
 * Training steps of a built-in model with the vector GEMM's sparse-rows path (docs/decisions.md §2br) against the
 * same GEMM without it, in one JVM: two copies of the model (same seed, same 16 standardized Fashion-MNIST batches
 * as bench train, SGD lr 0.05 momentum 0.9) alternate in slices of -Dslice steps (50). Both must take the same
 * losses bit for bit (the path changes no bits); prints each slice's time ratio dense ÷ sparse and the median.
 *   args: model threads slices   (sparse kernels at 256 bits, and at 512 on CPUs that run 512-bit operations as two halves; -XX:UseAVX=2 for the 256-bit path on other AVX-512 CPUs; -XX:ObjectAlignmentInBytes=64 as the launcher)
 */
public class SparseStepAB {
    /** Time per GEMM shape and, every 64th call, the zero fraction of op(A) (a sample of every 7th element). */
    static final class Spy extends Gemm {
        final Gemm g; final Map<String, double[]> time = new TreeMap<>();
        Spy(Gemm g) { this.g = g; }
        @Override protected void runGemm(boolean ta, boolean tb, int m, int n, int k, float al, float[] a, int ao, int lda, float[] b, int bo, int ldb, float be, float[] c, int co, int ldc) {
            long t0 = System.nanoTime();
            g.gemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc);
            long t1 = System.nanoTime();
            // the CNN's convolution tasks call the GEMM from several threads at once: one lock around the bookkeeping
            synchronized (time) {
                double[] x = time.computeIfAbsent(m + "x" + n + "x" + k + (ta ? "T" : "N") + (tb ? "T" : "N"), z -> new double[3]);
                x[0] += t1 - t0; x[1]++;
                if (((long) x[1] & 63) == 0) { int z = 0, rows = ta ? k : m, cols = ta ? m : k; for (int i = 0; i < rows * cols; i += 7) z += a[ao + (i / cols) * lda + i % cols] == 0f ? 1 : 0; x[2] += 64.0 * z / ((rows * cols + 6) / 7); }
            }
        }
        @Override public int vectorBits() { return g.vectorBits(); }
        @Override public boolean layoutInvariant() { return g.layoutInvariant(); }
    }

    public static void main(String[] a) throws Exception {
        String model = a[0];
        int threads = Integer.parseInt(a[1]), slices = Integer.parseInt(a[2]), slice = Integer.getInteger("slice", 50);
        var splits = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        double[] ms = splits.train().meanAndStd();
        Dataset train = splits.train().standardized(ms[0], ms[1]);
        List<Tensor> images = new ArrayList<>(); List<int[]> labels = new ArrayList<>();
        for (Batch b : train.batches(128, 1, 1, true)) { if (images.size() == 16) break; images.add(b.images().copy()); labels.add(b.labels().clone()); }
        var blk = VectorBackend.blockingFor(VectorBackend.defaultBits());
        try (FamilyBackend base = (FamilyBackend) Backends.create("vector", threads); Dispatcher d = new Dispatcher(threads)) {
            BlockedGemm off = BlockedGemm.withSparseRows(blk, d, 1L << 22, false), on = BlockedGemm.withSparseRows(blk, d, 1L << 22, true);
            Spy so = new Spy(off), sn = new Spy(on);
            Backend[] be = {base.withGemm("dense", so, so), base.withGemm("sparse", sn, sn)};
            Trainer[] tr = new Trainer[2];
            for (int i = 0; i < 2; i++) {
                Layer m = Models.create(model, 42);
                m.bind(be[i]);
                tr[i] = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.05f, 0.9f), be[i]);
            }
            int[] step = new int[2];
            double[] q = new double[slices];
            for (int s = -2; s < slices; s++) {
                if (s == 0) { so.time.clear(); sn.time.clear(); }
                double[] t = new double[2]; double[] loss = new double[2];
                for (int x = 0; x < 2; x++) {
                    int i = (s & 1) == 0 ? x : 1 - x;
                    long t0 = System.nanoTime();
                    for (int j = 0; j < slice; j++, step[i]++) loss[i] = tr[i].step(images.get(step[i] % 16), labels.get(step[i] % 16));
                    t[i] = (System.nanoTime() - t0) / 1e3 / slice;
                }
                if (Double.doubleToRawLongBits(loss[0]) != Double.doubleToRawLongBits(loss[1])) throw new AssertionError("losses differ at step " + step[0] + ": " + loss[0] + " vs " + loss[1]);
                if (s >= 0) q[s] = t[0] / t[1];
                System.out.printf("steps to %5d: dense %7.1f us/step, sparse %7.1f, dense/sparse %.3f, loss %.4f%n", step[0], t[0], t[1], t[0] / t[1], loss[0]);
            }
            for (String key : so.time.keySet()) {
                double[] x = so.time.get(key), y = sn.time.get(key);
                System.out.printf("  %-14s dense %8.1f us  sparse %8.1f us  zeros %.3f%n", key, x[0] / x[1] / 1e3, y[0] / y[1] / 1e3, y[2] / y[1]);
            }
            Arrays.sort(q);
            System.out.printf("median dense/sparse over %d slices: %.3f%n", slices, q[slices / 2]);
        }
    }
}
