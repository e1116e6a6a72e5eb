import org.vectorgrad.backend.*;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
/** Bytes allocated per Predictor request on the calling thread after 3000 warm-up requests: java PredictorAlloc vector|blas|auto */
public class PredictorAlloc {
    public static void main(String[] a) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String model : new String[]{"mlp","cnn"}) for (int batch : new int[]{1, 256}) {
            try (Backend be = Backends.create(a[0], 1)) {
                Predictor p = Predictor.of(Models.create(model, 1), be);
                Tensor x = Tensor.uniform(2, -1f, 2f, batch, 1, 28, 28);
                float[] out = new float[batch * 10];
                for (int i = 0; i < 3000; i++) p.predict(x, out, 0);
                long t = Thread.currentThread().threadId();
                long b0 = mx.getThreadAllocatedBytes(t);
                int n = 100;
                for (int i = 0; i < n; i++) p.predict(x, out, 0);
                long b1 = mx.getThreadAllocatedBytes(t);
                System.out.println(a[0] + " " + model + " batch " + batch + ": " + (b1 - b0) / n + " B/request (caller thread)");
            }
        }
    }
}
