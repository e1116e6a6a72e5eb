import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.nn.*;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
/**
 * Forward + backward of a reference model (batch 128, random data) on several backends in one JVM, in alternating
 * 6-step slices, round after round; prints each backend's best and median step time and the median per-round speed
 * relative to the first. Neighbouring slices see the same machine, so the ratios hold when its speed drifts.
 *   args: mlp|cnn rounds backend:threads... (e.g. cnn 12 vector:2 auto:2 blas:2 auto:1)
 */
public class StepAB {
    public static void main(String[] a) throws Exception {
        String model = a[0]; int rounds = Integer.parseInt(a[1]);
        String[] specs = Arrays.copyOfRange(a, 2, a.length); // name:threads
        int nb = specs.length;
        Backend[] bs = new Backend[nb]; Sequential[] ms = new Sequential[nb];
        for (int i = 0; i < nb; i++) { String[] p = specs[i].split(":"); bs[i] = Backends.create(p[0], Integer.parseInt(p[1])); ms[i] = Models.create(model, 42); ms[i].bind(bs[i]); }
        Tensor x = model.equals("mlp") ? Tensor.zeros(128, 784) : Tensor.zeros(128, 1, 28, 28); Random r = new Random(1);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = r.nextFloat();
        Tensor gy = Tensor.zeros(128, 10); for (int i = 0; i < gy.data().length; i++) gy.data()[i] = (float) r.nextGaussian() * 0.01f;
        double[][] t = new double[nb][rounds];
        for (int round = -3; round < rounds; round++) {
            for (int j = 0; j < nb; j++) {
                int i = (round & 1) == 0 ? j : nb - 1 - j;
                long t0 = System.nanoTime();
                for (int k = 0; k < 6; k++) { ms[i].forward(x, true); ms[i].backward(gy, false); }
                if (round >= 0) t[i][round] = (System.nanoTime() - t0) / 6e6;
            }
        }
        for (int i = 0; i < nb; i++) {
            double[] rel = new double[rounds]; for (int k = 0; k < rounds; k++) rel[k] = t[0][k] / t[i][k];
            Arrays.sort(rel); double[] s = t[i].clone(); Arrays.sort(s);
            System.out.printf("%-10s best %.2f ms median %.2f ms | speed relative to %s: median %.3f%n", specs[i], s[0], s[rounds / 2], specs[0], rel[rounds / 2]);
        }
        for (Backend b : bs) b.close();
    }
}
