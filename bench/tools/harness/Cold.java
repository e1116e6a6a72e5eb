import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.vector.*;
public class Cold {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        Backend vb = args.length > 0 ? VectorBackend.create(1, org.vectorgrad.backend.vector.gemm.GemmBlocking.forBits(Integer.parseInt(args[0])).with(Integer.parseInt(args[1]), 384, 336, 4096)) : VectorBackend.create(1);
        long t1 = System.nanoTime();
        int m = 128, n = 512, k = 784;
        float[] a = new float[m*k], b = new float[n*k], c = new float[m*n];
        StringBuilder sb = new StringBuilder("construct " + (t1-t0)/1000 + " us; calls (ms):");
        for (int i = 0; i < 12; i++) {
            long s = System.nanoTime();
            vb.gemm().gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            sb.append(String.format(" %.1f", (System.nanoTime() - s) / 1e6));
        }
        System.out.println(sb);
        vb.close();
    }
}
