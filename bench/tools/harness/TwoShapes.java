import java.util.*;
import org.vectorgrad.backend.*;
/** The weight-gradient GEMM of the reference CNN's second conv as 64x288x196 NT (as computed) and transposed, 288x64x196 NT, alternating call by call. args: backend rounds */
public class TwoShapes {
    public static void main(String[] a) throws Exception {
        Backend b = Backends.create(a[0], 1); Gemm g = b.gemm(); int rounds = Integer.parseInt(a[1]);
        Random r = new Random(1);
        float[] dy = new float[64 * 196], cols = new float[288 * 196], c1 = new float[64 * 288], c2 = new float[288 * 64];
        for (int i = 0; i < dy.length; i++) dy[i] = r.nextFloat(); for (int i = 0; i < cols.length; i++) cols[i] = r.nextFloat();
        double[] q = new double[rounds]; double[] t1s = new double[rounds], t2s = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime(); for (int i = 0; i < 20; i++) g.gemm(false, true, 64, 288, 196, 1f, dy, 0, 196, cols, 0, 196, 1f, c1, 0, 288);
            long t1 = System.nanoTime(); for (int i = 0; i < 20; i++) g.gemm(false, true, 288, 64, 196, 1f, cols, 0, 196, dy, 0, 196, 1f, c2, 0, 64);
            long t2 = System.nanoTime();
            t1s[round] = t1 - t0; t2s[round] = t2 - t1; q[round] = (double) (t1 - t0) / (t2 - t1);
        }
        Arrays.sort(q); Arrays.sort(t1s); Arrays.sort(t2s);
        System.out.printf("%s: 64x288x196 NT median %.1f us, 288x64x196 NT median %.1f us, median ratio (first/second) %.3f%n", a[0], t1s[rounds/2]/20e3, t2s[rounds/2]/20e3, q[rounds/2]);
    }
}
