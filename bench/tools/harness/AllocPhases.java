import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.Trainer;
/** Bytes allocated per phase of a steady-state CNN training step (vector backend, batch 32): zeroGrad, forward, loss, backward, optimizer. Run with -XX:UseAVX=2 or -XX:MaxVectorSize=32 for 8 lanes (benchmarks-log.md, fifth pass). args: [cnn|mlp|resnet]; -Dw=warm-up steps, -Dn=measured steps */
public class AllocPhases {
    static com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    public static void main(String[] x) throws Exception {
        Backend vector = Backends.create("vector", 1);
        String name = x.length > 0 ? x[0] : "cnn";
        Sequential model = Models.create(name, 1);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        SGD opt = new SGD(model.parameters(), 0.01f, 0.9f);
        Trainer cnn = new Trainer(model, loss, opt, vector);
        Tensor img = name.equals("mlp") ? Tensor.uniform(2, -1f, 2f, 32, 784) : Tensor.uniform(2, -1f, 2f, 32, 1, 28, 28);
        int[] lab = new int[32]; for (int i = 0; i < 32; i++) lab[i] = (i * 7) % 10;
        for (int i = 0; i < Integer.getInteger("w", 3000); i++) cnn.step(img, lab);
        int n = Integer.getInteger("n", 300);
        long[] t = new long[5];
        for (int i = 0; i < n; i++) {
            long a = mx.getCurrentThreadAllocatedBytes(); opt.zeroGrad();
            long b = mx.getCurrentThreadAllocatedBytes(); Tensor logits = model.forward(img, true);
            long c = mx.getCurrentThreadAllocatedBytes(); loss.forward(logits, lab);
            long d = mx.getCurrentThreadAllocatedBytes(); model.backward(loss.backward(), false);
            long e = mx.getCurrentThreadAllocatedBytes(); opt.step();
            long f = mx.getCurrentThreadAllocatedBytes();
            t[0] += b - a; t[1] += c - b; t[2] += d - c; t[3] += e - d; t[4] += f - e;
        }
        String[] names = {"zeroGrad", "forward", "loss", "backward", "opt.step"};
        for (int i = 0; i < 5; i++) System.out.printf("%s %.1f B%n", names[i], t[i] / (double) n);
    }
}
