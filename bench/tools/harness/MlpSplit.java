import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.*;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;

/**
 * Where a training step of the reference MLP goes, in the order {@code Trainer.step} runs it: gradient zeroing,
 * forward and loss, each layer's backward, the gradient finiteness check, the SGD update; median µs per part over the
 * steps after the first half; then Trainer.step whole (per 500 steps and overall). args: backend threads steps
 * (-Dbatches=16: rotate 16 input batches as bench train does; -Dlr=0.05: bench train's learning rate)
 */
public class MlpSplit {
    public static void main(String[] a) throws Exception {
        String be = a[0];
        int threads = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]);
        try (Backend b = Backends.create(be, threads)) {
            Sequential s = Models.mlp(784, new int[] {512, 256}, 10, 42);
            s.bind(b);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            loss.bind(b);
            SGD opt = new SGD(s.parameters(), Float.parseFloat(System.getProperty("lr", "0.01")), 0.9f);
            opt.bind(b);
            List<Layer> layers = s.layers();
            int batch = 128;
            Tensor x = Tensor.zeros(batch, 784);
            Random r = new Random(1);
            float[] xd = x.data();
            for (int i = 0; i < xd.length; i++) xd[i] = r.nextFloat();
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) labels[i] = r.nextInt(10);
            List<String> names = new ArrayList<>(List.of("zero gradients"));
            for (Layer l : layers) names.add("forward " + l.describe());
            boolean twice = Boolean.getBoolean("twice");
            if (twice) names.add(2, "forward " + layers.get(1).describe() + " again");
            names.add("loss forward + backward");
            for (int i = layers.size() - 1; i >= 1; i--) names.add("backward " + layers.get(i).describe());
            names.add("allFinite");
            names.add("sgd");
            long[][] t = new long[names.size()][steps];
            long[] ts = new long[names.size() + 1];
            for (int st = 0; st < steps; st++) {
                int k = 0;
                ts[k++] = System.nanoTime();
                opt.zeroGrad();
                ts[k++] = System.nanoTime();
                Tensor h = x;
                for (Layer l : layers) {
                    Tensor in = h;
                    h = l.forward(in, true); // as Sequential.forward
                    ts[k++] = System.nanoTime();
                    if (twice && l == layers.get(1)) { // -Dtwice=true: the first Dense again, with its operands warm
                        h = l.forward(in, true);
                        ts[k++] = System.nanoTime();
                    }
                }
                loss.forward(h, labels);
                Tensor g = loss.backward();
                ts[k++] = System.nanoTime();
                for (int i = layers.size() - 1; i >= 1; i--) {
                    g = layers.get(i).backward(g, i > 1); // as Sequential: no input gradient into Flatten and the model input
                    ts[k++] = System.nanoTime();
                }
                for (Parameter p : s.parameters()) {
                    if (!b.pointwise().allFinite(p.size(), p.grad().data(), p.grad().offset())) throw new AssertionError();
                }
                ts[k++] = System.nanoTime();
                opt.step();
                ts[k++] = System.nanoTime();
                for (int j = 0; j < names.size(); j++) t[j][st] = ts[j + 1] - ts[j];
            }
            org.vectorgrad.train.Trainer tr = new org.vectorgrad.train.Trainer(s, loss, opt, b);
            int nb = Integer.getInteger("batches", 1);
            Tensor[] xs = new Tensor[nb];
            for (int i = 0; i < nb; i++) {
                xs[i] = Tensor.zeros(batch, 784);
                for (int j = 0; j < xd.length; j++) xs[i].data()[j] = r.nextFloat();
            }
            long[] whole = new long[steps];
            for (int st = 0; st < steps; st++) {
                long t0 = System.nanoTime();
                tr.step(xs[st % nb], labels);
                whole[st] = System.nanoTime() - t0;
            }
            for (int blk = 0; blk + 500 <= steps; blk += 500) {
                long[] bv = Arrays.copyOfRange(whole, blk, blk + 500);
                Arrays.sort(bv);
                System.out.printf("steps %5d..: median %8.1f µs%n", blk, bv[250] / 1e3);
            }
            long[] wv = Arrays.copyOfRange(whole, steps / 2, steps);
            Arrays.sort(wv);
            System.out.printf("%-36s median %8.1f µs%n", "Trainer.step", wv[wv.length / 2] / 1e3);
            double total = 0;
            for (int j = 0; j < names.size(); j++) {
                long[] v = Arrays.copyOfRange(t[j], steps / 2, steps);
                Arrays.sort(v);
                total += v[v.length / 2] / 1e3;
                System.out.printf("%-36s median %8.1f µs%n", names.get(j), v[v.length / 2] / 1e3);
            }
            System.out.printf("sum of medians %.1f µs (%.0f samples/s)%n", total, batch / total * 1e6);
        }
    }
}
