import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Training steps (forward, loss, backward; no optimizer; with -Dtrainer=true whole Trainer.step calls: zeroGrad,
 * forward, loss, backward, the finiteness check, SGD with momentum 0.9) of a reference model on two builds in one JVM, each build in
 * its own class loader, alternating slices of a few steps, order reversed every round; prints the median of the
 * per-round speed ratios new/old. On a machine whose speed drifts between runs, this is the comparison that holds.
 *   args: oldClassesDir newClassesDir backend threads model rounds [stepsPerSlice]
 * (OpenBLAS can be loaded by one class loader only: with backend auto or blas the second build falls back to its
 * Java GEMM, so compare those through the vector backend, or take the build-to-build figure from one side.)
 */
public class StepBuildAB {
    public static void main(String[] a) throws Exception {
        String be = a[2], model = a[4];
        int threads = Integer.parseInt(a[3]), rounds = Integer.parseInt(a[5]), per = a.length > 6 ? Integer.parseInt(a[6]) : 4;
        Object[] seq = new Object[2], x = new Object[2], gy = new Object[2];
        Method[] fwd = new Method[2], bwd = new Method[2], step = new Method[2];
        Object[] trainer = new Object[2];
        int[] labels = new int[128];
        for (int k = 0; k < labels.length; k++) labels[k] = k * 7 % 10;
        boolean whole = Boolean.getBoolean("trainer");
        for (int i = 0; i < 2; i++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {Paths.get(a[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Object backend = cl.loadClass("org.vectorgrad.backend.Backends").getMethod("create", String.class, int.class).invoke(null, be, threads);
            seq[i] = cl.loadClass("org.vectorgrad.train.Models").getMethod("create", String.class, long.class).invoke(null, model, 42L);
            Class<?> bc = cl.loadClass("org.vectorgrad.backend.Backend");
            seq[i].getClass().getMethod("bind", bc).invoke(seq[i], backend);
            Class<?> tc = cl.loadClass("org.vectorgrad.tensor.Tensor");
            int[] shape = model.equals("mlp") ? new int[] {128, 784} : new int[] {128, 1, 28, 28};
            x[i] = tc.getMethod("zeros", int[].class).invoke(null, (Object) shape);
            gy[i] = tc.getMethod("zeros", int[].class).invoke(null, (Object) new int[] {128, 10});
            float[] xd = (float[]) tc.getMethod("data").invoke(x[i]), gd = (float[]) tc.getMethod("data").invoke(gy[i]);
            Random r = new Random(1);
            for (int k = 0; k < xd.length; k++) xd[k] = r.nextFloat();
            for (int k = 0; k < gd.length; k++) gd[k] = (float) r.nextGaussian() * 0.01f;
            fwd[i] = seq[i].getClass().getMethod("forward", tc, boolean.class);
            bwd[i] = seq[i].getClass().getMethod("backward", tc, boolean.class);
            if (whole) {
                Class<?> lc = cl.loadClass("org.vectorgrad.nn.Layer"), lossC = cl.loadClass("org.vectorgrad.loss.Loss"),
                        oc = cl.loadClass("org.vectorgrad.optim.Optimizer");
                Object loss = cl.loadClass("org.vectorgrad.loss.SoftmaxCrossEntropy").getConstructor().newInstance();
                Object params = lc.getMethod("parameters").invoke(seq[i]);
                Object sgd = cl.loadClass("org.vectorgrad.optim.SGD").getConstructor(java.util.List.class, float.class, float.class)
                        .newInstance(params, 0.01f, 0.9f);
                trainer[i] = cl.loadClass("org.vectorgrad.train.Trainer").getConstructor(lc, lossC, oc, bc).newInstance(seq[i], loss, sgd, backend);
                step[i] = trainer[i].getClass().getMethod("step", tc, int[].class);
            }
        }
        double[][] t = new double[2][rounds];
        for (int round = -5; round < rounds; round++) {
            for (int jj = 0; jj < 2; jj++) {
                int i = (round & 1) == 0 ? jj : 1 - jj;
                long t0 = System.nanoTime();
                for (int s = 0; s < per; s++) {
                    if (whole) {
                        step[i].invoke(trainer[i], x[i], labels);
                    } else {
                        fwd[i].invoke(seq[i], x[i], true);
                        bwd[i].invoke(seq[i], gy[i], false);
                    }
                }
                if (round >= 0) t[i][round] = (System.nanoTime() - t0) / 1e6 / per;
            }
        }
        double[] q = new double[rounds];
        for (int k = 0; k < rounds; k++) q[k] = t[0][k] / t[1][k];
        Arrays.sort(q);
        double[] o = t[0].clone(), n = t[1].clone();
        Arrays.sort(o);
        Arrays.sort(n);
        System.out.printf("%s %s t%d: old median %.2f ms, new %.2f ms per step; median per-round speed new/old %.3f (quartiles %.3f-%.3f)%n",
                model, be, threads, o[rounds / 2], n[rounds / 2], q[rounds / 2], q[rounds / 4], q[3 * rounds / 4]);
    }
}
