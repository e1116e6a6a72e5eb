package org.vectorgrad.nn;
import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
/**
 * The reference CNN's Conv2d → ReLU → MaxPool2d blocks (forward and backward of both, batch 128) at several chunk
 * targets of {@link ConvReluPool}, the targets alternating in one JVM: per round and target the median of 40 passes,
 * then per target the median over rounds and the median of its per-round ratio to the first target (docs/decisions.md
 * §2bm). args: backend threads rounds targetsKiB (comma-separated, the first the reference), e.g.
 * {@code auto 2 8 256,1024,4096,8192}; run with the launcher's JIT flags.
 */
public class ChunkAB {
    public static void main(String[] a) throws Exception {
        String be = a[0]; int threads = Integer.parseInt(a[1]); int rounds = Integer.parseInt(a[2]); int reps = 40;
        String[] ts = a[3].split(",");
        int[] targets = new int[ts.length]; for (int i = 0; i < ts.length; i++) targets[i] = Integer.parseInt(ts[i]) << 10;
        try (Backend b = Backends.create(be, threads)) {
            Sequential s = Models.cnn(42); s.bind(b);
            List<Layer> layers = s.layers();
            Tensor x = Tensor.zeros(128, 1, 28, 28);
            Random r = new Random(1); for (int i = 0; i < x.data().length; i++) x.data()[i] = r.nextFloat();
            double[][] med = new double[targets.length][rounds];
            for (int round = 0; round < rounds + 2; round++) {
                for (int ti = 0; ti < targets.length; ti++) {
                    ConvReluPool.targetOverride = targets[ti];
                    ConvReluPool c0 = ConvReluPool.at(layers, 0), c1 = ConvReluPool.at(layers, 3);
                    long[] t = new long[reps];
                    for (int i = 0; i < reps; i++) {
                        long t0 = System.nanoTime();
                        Tensor h = c0.forward(x); Tensor h2 = c1.forward(h);
                        Tensor g2 = c1.backward(h2, true); c0.backward(g2, false);
                        t[i] = System.nanoTime() - t0;
                    }
                    Arrays.sort(t);
                    if (round >= 2) med[ti][round - 2] = t[reps / 2] / 1e6;
                }
            }
            for (int ti = 0; ti < targets.length; ti++) {
                double[] m = med[ti].clone(); Arrays.sort(m);
                double[] ratio = new double[rounds]; for (int k = 0; k < rounds; k++) ratio[k] = med[ti][k] / med[0][k]; Arrays.sort(ratio);
                System.out.printf("%s %dT target %6d KB: conv blocks fwd+bwd median %.3f ms (rounds %.3f..%.3f), time / first target %.3f%n", be, threads, targets[ti] >> 10, m[rounds / 2], m[0], m[rounds - 1], ratio[rounds / 2]);
            }
        }
    }
}
