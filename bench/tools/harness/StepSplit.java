package org.vectorgrad.nn;

import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;

/**
 * Where a training step of the reference CNN goes: forward and backward of its two fused Conv2d → ReLU → MaxPool2d
 * blocks ({@link ConvReluPool}, as {@link Sequential} runs them), of the dense tail, and the gradient zeroing;
 * median ms per part over the steps after the first third. args: backend threads steps
 */
public class StepSplit {
    public static void main(String[] a) throws Exception {
        String be = a[0];
        int threads = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]);
        try (Backend b = Backends.create(be, threads)) {
            Sequential s = Models.cnn(42);
            s.bind(b);
            List<Layer> layers = s.layers();
            ConvReluPool c0 = ConvReluPool.at(layers, 0), c1 = ConvReluPool.at(layers, 3);
            int batch = 128;
            Tensor x = Tensor.zeros(batch, 1, 28, 28);
            Random r = new Random(1);
            float[] xd = x.data();
            for (int i = 0; i < xd.length; i++) xd[i] = r.nextFloat();
            Tensor gy = Tensor.zeros(batch, 10);
            for (int i = 0; i < gy.data().length; i++) gy.data()[i] = (float) r.nextGaussian() * 0.01f;
            String[] names = {"conv1 block forward", "conv2 block forward", "dense tail forward", "dense tail backward",
                    "conv2 block backward", "conv1 block backward (no dx)", "zero gradients"};
            long[][] t = new long[names.length][steps];
            for (int st = 0; st < steps; st++) {
                long t0 = System.nanoTime();
                Tensor h = c0.forward(x);
                long t1 = System.nanoTime();
                h = c1.forward(h);
                long t2 = System.nanoTime();
                for (int i = 6; i < layers.size(); i++) h = layers.get(i).forward(h, true);
                long t3 = System.nanoTime();
                Tensor g = gy;
                for (int i = layers.size() - 1; i >= 6; i--) g = layers.get(i).backward(g);
                long t4 = System.nanoTime();
                g = c1.backward(g, true);
                long t5 = System.nanoTime();
                c0.backward(g, false);
                long t6 = System.nanoTime();
                for (Parameter p : s.parameters()) Arrays.fill(p.grad().data(), 0f);
                long t7 = System.nanoTime();
                long[] ts = {t0, t1, t2, t3, t4, t5, t6, t7};
                for (int k = 0; k < names.length; k++) t[k][st] = ts[k + 1] - ts[k];
            }
            double total = 0;
            for (int k = 0; k < names.length; k++) {
                long[] v = Arrays.copyOfRange(t[k], steps / 3, steps);
                Arrays.sort(v);
                total += v[v.length / 2] / 1e6;
                System.out.printf("%-30s median %7.3f ms%n", names[k], v[v.length / 2] / 1e6);
            }
            System.out.printf("sum of medians %.2f ms (%.0f samples/s, loss and optimizer not included)%n", total, batch / total * 1e3);
        }
    }
}
