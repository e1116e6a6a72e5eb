/** The trainer's gradient check: Trainer.step with the check on and off in alternating blocks, and the check alone. Args: model threads rounds steps. */
import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.*;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.*;
public class CheckCost {
    public static void main(String[] a) {
        String model = a[0]; int threads = Integer.parseInt(a[1]); int rounds = Integer.parseInt(a[2]); int steps = Integer.parseInt(a[3]);
        try (Backend be = Backends.create("auto", threads)) {
            Sequential m = Models.create(model, 1);
            Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.01f, 0.9f), be);
            Tensor x = Tensor.uniform(2, -1f, 2f, 128, 1, 28, 28);
            int[] y = new int[128]; for (int i = 0; i < 128; i++) y[i] = (i * 7) % 10;
            List<Parameter> ps = m.parameters();
            long n = 0; for (Parameter p : ps) n += p.size();
            for (int i = 0; i < 3 * steps; i++) { t.checkGradients(i % 2 == 0); t.step(x, y); }
            double[] on = new double[rounds], off = new double[rounds], chk = new double[rounds];
            double sink = 0;
            for (int r = 0; r < rounds; r++) {
                for (int mode = 0; mode < 2; mode++) {
                    boolean c = (r + mode) % 2 == 0;
                    t.checkGradients(c);
                    long s = System.nanoTime();
                    for (int i = 0; i < steps; i++) sink += t.step(x, y);
                    double us = (System.nanoTime() - s) / 1e3 / steps;
                    if (c) on[r] = us; else off[r] = us;
                }
                long s = System.nanoTime();
                for (int i = 0; i < 200; i++) for (Parameter p : ps) { Tensor g = p.grad(); sink += be.pointwise().allFinite(g.size(), g.data(), g.offset()) ? 1 : 0; }
                chk[r] = (System.nanoTime() - s) / 1e3 / 200;
            }
            Arrays.sort(on); Arrays.sort(off); Arrays.sort(chk);
            System.out.printf(Locale.ROOT, "%s threads=%d params=%d: step median with check %.1f us, without %.1f us (min %.1f / %.1f); check alone median %.1f us (min %.1f) = %.2f%% of a step [sink %s]%n",
                model, threads, n, on[rounds/2], off[rounds/2], on[0], off[0], chk[rounds/2], chk[0], 100 * chk[rounds/2] / off[rounds/2], sink != 0);
        }
    }
}
