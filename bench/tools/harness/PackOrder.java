import jdk.incubator.vector.*;
import java.util.*;
/**
 * Orders for copying an untransposed op(B) (kc x n, row-major) into 16-float panels under the AVX2 proxy, op(B)
 * pushed out of L2 before each copy: panel by panel (Packing's order) against row by row over groups of 1, 2, 4, 8
 * or all panels (docs/benchmarks-log.md, sixteenth pass). args: kc n rounds, e.g. 512 784 200 (run with -XX:UseAVX=2)
 */
public class PackOrder {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    // panel-major: for each panel q, rows p (current Packing NN order)
    static void panelMajor(float[] b, int ldb, int kc, int panels, float[] dst) {
        for (int q = 0; q < panels; q++) {
            int at = q * 16, d = q * kc * 16;
            for (int p = 0; p < kc; p++, at += ldb) {
                FloatVector.fromArray(S, b, at).intoArray(dst, d + p * 16);
                FloatVector.fromArray(S, b, at + 8).intoArray(dst, d + p * 16 + 8);
            }
        }
    }
    // groups of g panels, row by row inside a group
    static void grouped(float[] b, int ldb, int kc, int panels, int g, float[] dst) {
        for (int q0 = 0; q0 < panels; q0 += g) {
            int q1 = Math.min(panels, q0 + g);
            for (int p = 0; p < kc; p++) {
                int at = p * ldb + q0 * 16;
                for (int q = q0; q < q1; q++, at += 16) {
                    int d = q * kc * 16 + p * 16;
                    FloatVector.fromArray(S, b, at).intoArray(dst, d);
                    FloatVector.fromArray(S, b, at + 8).intoArray(dst, d + 8);
                }
            }
        }
    }
    public static void main(String[] x) {
        int kc = Integer.parseInt(x[0]), n = Integer.parseInt(x[1]), rounds = Integer.parseInt(x[2]);
        int panels = n / 16;
        float[] b = new float[kc * n], dst = new float[kc * n], evict = new float[4 << 20];
        Random r = new Random(1); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        int[] gs = {1, 2, 4, 8, panels};
        double[][] t = new double[gs.length + 1][rounds];
        for (int round = -5; round < rounds; round++) {
            for (int v = 0; v <= gs.length; v++) {
                float s = 0; for (int i = 0; i < evict.length; i += 16) s += evict[i]; evict[round & 1023] = s; // push b out of L2
                long t0 = System.nanoTime();
                if (v == 0) panelMajor(b, n, kc, panels, dst); else grouped(b, n, kc, panels, gs[v - 1], dst);
                long t1 = System.nanoTime();
                if (round >= 0) t[v][round] = (t1 - t0) / 1e3;
            }
        }
        String[] names = {"panel-major", "rows g=1", "rows g=2", "rows g=4", "rows g=8", "rows all"};
        for (int v = 0; v <= gs.length; v++) { Arrays.sort(t[v]); System.out.printf("%-12s median %7.1f us%n", names[v], t[v][rounds / 2]); }
    }
}
