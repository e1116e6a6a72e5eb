import org.vectorgrad.backend.*;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.*;
/**
 * Milliseconds from JVM start to the end of the first training step (batch 128, synthetic data): the start-up
 * figure of docs/benchmarks.md (issue 12). Args: backend model. For the AOT-cache comparison put it in a jar
 * (the JDK's AOT cache accepts only jars on the class path) and run it once with -XX:AOTCacheOutput=FILE, then with
 * and without -XX:AOTCache=FILE.
 */
public class FirstStep {
    public static void main(String[] args) {
        Backend be = Backends.create(args[0], 1);
        Sequential m = Models.create(args[1], 1);
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.01f, 0.9f), be);
        Tensor x = Tensor.uniform(2, -1f, 2f, 128, 1, 28, 28);
        int[] y = new int[128];
        t.step(x, y);
        long ms = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("first step done " + ms + " ms after JVM start");
        be.close();
    }
}
