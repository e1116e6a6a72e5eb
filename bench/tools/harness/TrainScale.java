import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.nn.*;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.optim.SGD;
/**
 * {@code Trainer.step} (forward, loss, backward, gradient check, SGD) of a reference model on several
 * backend:threads specs in one JVM, alternating 6-step slices; median per-round speed relative to the first.
 *   args: mlp|cnn rounds backend:threads...   (e.g. cnn 10 auto:1 auto:2 blas:2)
 * -Dwarm=N: untimed rounds first (default 3). A kernel called once per step (the CNN's dense tail) reaches C2 only
 * after a few hundred calls, so comparisons of a Java backend with OpenBLAS need ~80 (480 steps each): with 3, the
 * CNN's auto:2 read 2-4 % behind blas:2, with 80 level (benchmarks-log.md, twenty-ninth pass). The backend built first
 * also ran up to ~5 % faster in some JVMs: run both spec orders and take the geometric mean of the two ratios.
 */
public class TrainScale {
    public static void main(String[] a) throws Exception {
        String model = a[0]; int rounds = Integer.parseInt(a[1]); String[] specs = Arrays.copyOfRange(a, 2, a.length);
        int nb = specs.length; Backend[] bs = new Backend[nb]; Trainer[] trs = new Trainer[nb];
        for (int i = 0; i < nb; i++) { String[] p = specs[i].split(":"); bs[i] = Backends.create(p[0], Integer.parseInt(p[1]));
            Sequential m = Models.create(model, 42); m.bind(bs[i]); trs[i] = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.01f, 0.9f), bs[i]); }
        Tensor x = model.equals("mlp") ? Tensor.zeros(128, 784) : Tensor.zeros(128, 1, 28, 28); Random r = new Random(1);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = r.nextFloat();
        int[] labels = new int[128]; for (int i = 0; i < 128; i++) labels[i] = r.nextInt(10);
        double[][] t = new double[nb][rounds];
        for (int round = -Integer.getInteger("warm", 3); round < rounds; round++) for (int j = 0; j < nb; j++) {
            int i = (round & 1) == 0 ? j : nb - 1 - j;
            long t0 = System.nanoTime();
            for (int k = 0; k < 6; k++) trs[i].step(x, labels);
            if (round >= 0) t[i][round] = (System.nanoTime() - t0) / 6e6;
        }
        for (int i = 0; i < nb; i++) {
            double[] rel = new double[rounds]; for (int k = 0; k < rounds; k++) rel[k] = t[0][k] / t[i][k];
            Arrays.sort(rel); double[] s = t[i].clone(); Arrays.sort(s);
            System.out.printf("%s %-9s step best %.2f median %.2f ms (%.0f samples/s) | speed vs %s: median %.3f%n", model, specs[i], s[0], s[rounds / 2], 128e3 / s[rounds / 2], specs[0], rel[rounds / 2]);
        }
        for (Backend b : bs) b.close();
    }
}
