import org.vectorgrad.backend.*;
import java.util.*;
/**
 * The MLP's first-layer NT forward (128x512x784) call by call in one JVM, median and best of the last 200 of 400 calls
 * (docs/decisions.md §2v: which collector gives the 256-bit 6 x 16 tile its spill-free loop). -Dmix=true runs the
 * step's other GEMMs between timings; -Dpollute=MiB writes that much memory between them. args: backend
 */
public class Mix {
    public static void main(String[] x) throws Exception {
        Backend be = Backends.create(x[0], 1);
        Gemm g = be.gemm();
        boolean mix = Boolean.getBoolean("mix");
        Random r = new Random(1);
        float[] X = rnd(r, 128 * 784), W = rnd(r, 512 * 784), C = new float[128 * 512], dY = rnd(r, 128 * 512), dW = new float[512 * 784];
        float[] W2 = rnd(r, 256 * 512), H = rnd(r, 128 * 256), dX = new float[128 * 512], dW2 = new float[256 * 512];
        long[] t = new long[400];
        float[] junk = new float[Integer.getInteger("pollute", 0) << 18]; // MiB of floats written between calls
        for (int it = 0; it < 400; it++) {
            long t0 = System.nanoTime();
            g.gemm(false, true, 128, 512, 784, 1f, X, 0, 784, W, 0, 784, 0f, C, 0, 512);
            t[it] = System.nanoTime() - t0;
            for (int i = 0; i < junk.length; i++) junk[i] += 1f;
            if (mix) {
                g.gemm(false, true, 128, 256, 512, 1f, C, 0, 512, W2, 0, 512, 0f, H, 0, 256);
                g.gemm(true, false, 256, 512, 128, 1f, H, 0, 256, C, 0, 512, 0f, dW2, 0, 512);
                g.gemm(false, false, 128, 512, 256, 1f, H, 0, 256, W2, 0, 512, 0f, dX, 0, 512);
                g.gemm(true, false, 512, 784, 128, 1f, dY, 0, 512, X, 0, 784, 0f, dW, 0, 784);
            }
        }
        long[] v = Arrays.copyOfRange(t, 200, 400); Arrays.sort(v);
        System.out.printf("128x512x784 NT %s: median %.1f us, best %.1f us%n", mix ? "mixed" : "alone", v[100] / 1e3, v[0] / 1e3);
    }
    static float[] rnd(Random r, int n) { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f; return a; }
}
