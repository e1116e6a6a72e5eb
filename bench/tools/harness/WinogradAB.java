package org.vectorgrad.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;

/**
 * The reference CNN's second fused block (Conv2d 32→64 → ReLU → MaxPool2d, batch 128), forward and backward, with the
 * Winograd path (forward and, since decisions §9b, backward-data) on and off (two backends, created with
 * -Dvectorgrad.conv.winograd=true / false) in one JVM,
 * alternating every 4 steps, order reversed every round; prints the median per-round time ratio on/off
 * (docs/decisions.md §9a, §9b). args: backend threads rounds
 */
public class WinogradAB {
    public static void main(String[] a) throws Exception {
        String be = a[0];
        int threads = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
        Backend[] backends = new Backend[2];
        ConvReluPool[] blocks = new ConvReluPool[2];
        Tensor[] inputs = new Tensor[2];
        Random r = new Random(1);
        Tensor x = Tensor.zeros(128, 1, 28, 28);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = r.nextFloat();
        Tensor g = Tensor.zeros(128, 64, 7, 7);
        for (int i = 0; i < g.data().length; i++) g.data()[i] = (float) r.nextGaussian() * 0.01f;
        for (int k = 0; k < 2; k++) {
            System.setProperty(VectorConvolution.WINOGRAD_PROPERTY, k == 0 ? "true" : "false");
            backends[k] = Backends.create(be, threads);
            Sequential s = Models.cnn(42);
            s.bind(backends[k]);
            List<Layer> layers = s.layers();
            blocks[k] = ConvReluPool.at(layers, 3);
            inputs[k] = ConvReluPool.at(layers, 0).forward(x);
        }
        double[][] fwd = new double[2][rounds], bwd = new double[2][rounds];
        for (int rd = -3; rd < rounds; rd++) {
            for (int k0 = 0; k0 < 2; k0++) {
                int k = rd % 2 == 0 ? k0 : 1 - k0;
                long f = 0, b = 0;
                for (int st = 0; st < 4; st++) {
                    long t0 = System.nanoTime();
                    blocks[k].forward(inputs[k]);
                    long t1 = System.nanoTime();
                    blocks[k].backward(g, true);
                    long t2 = System.nanoTime();
                    f += t1 - t0;
                    b += t2 - t1;
                }
                if (rd >= 0) {
                    fwd[k][rd] = f / 4e6;
                    bwd[k][rd] = b / 4e6;
                }
            }
        }
        double[] rf = new double[rounds], rb = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            rf[i] = fwd[0][i] / fwd[1][i];
            rb[i] = bwd[0][i] / bwd[1][i];
        }
        Arrays.sort(rf);
        Arrays.sort(rb);
        for (double[] t : new double[][] {fwd[0], fwd[1], bwd[0], bwd[1]}) Arrays.sort(t);
        System.out.printf("%s %d thread(s): forward %.2f ms (Winograd) vs %.2f ms (im2col), median ratio %.3f; "
                        + "backward %.2f vs %.2f ms, ratio %.3f%n", be, threads, fwd[0][rounds / 2], fwd[1][rounds / 2],
                rf[rounds / 2], bwd[0][rounds / 2], bwd[1][rounds / 2], rb[rounds / 2]);
        for (Backend b : backends) b.close();
    }
}
