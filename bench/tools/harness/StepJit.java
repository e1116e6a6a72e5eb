import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.nn.*;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.optim.SGD;

/**
 * How many training steps the JIT needs: {@code Trainer.step} of a reference model on one random batch, printing
 * the step count, the time since start and the mean step time of every 50 steps. Run it with
 * {@code -XX:+PrintCompilation} (and the launcher's JIT flags) to see at which step each kernel reaches C2: on a Zen
 * 5 VM the CNN on {@code auto} at two threads had its last kernels compiled around step 530, its step time falling
 * until then, which set {@code bench train}'s 600-step first warm-up (docs/decisions.md §2bn).
 *   args: backend threads steps [cnn|mlp]
 */
public class StepJit {
    public static void main(String[] a) throws Exception {
        String be = a[0];
        int threads = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
        String model = a.length > 3 ? a[3] : "cnn";
        try (Backend b = Backends.create(be, threads)) {
            Sequential m = Models.create(model, 42);
            m.bind(b);
            Trainer tr = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.01f, 0.9f), b);
            Tensor x = model.equals("cnn") ? Tensor.zeros(128, 1, 28, 28) : Tensor.zeros(128, 784);
            Random r = new Random(1);
            for (int i = 0; i < x.data().length; i++) x.data()[i] = r.nextFloat();
            int[] y = new int[128];
            for (int i = 0; i < 128; i++) y[i] = r.nextInt(10);
            long t0 = System.nanoTime(), last = t0;
            for (int i = 1; i <= n; i++) {
                tr.step(x, y);
                if (i % 50 == 0) {
                    long t = System.nanoTime();
                    System.out.printf("STEP %d at %.2f s: last 50 %.2f ms/step%n", i, (t - t0) / 1e9, (t - last) / 1e6 / 50);
                    last = t;
                }
            }
        }
    }
}
