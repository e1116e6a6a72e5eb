import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * A/B of two builds' GEMMs in one JVM: each build's classes in their own class loader, the old and new GEMM and the
 * project's OpenBLAS backend called in turn for 50 ms slices, round after round, and the median of the per-round
 * ratios printed. On a machine whose speed drifts by tens of percent between minutes, ratios of neighbouring slices
 * are what stays steady (decisions §2c and the packing change were measured this way).
 *   args: oldClassesDir newClassesDir backend threads rounds shape... (shape: MxNxK[:TT], e.g. 512x784x128:TN);
 *   -Dzeros=F makes that fraction of op(A) zero at random (a ReLU network's activations and gradients: the sparse-rows
 *   path of decisions §2br where the width has it);
 *   -Dwarm=N untimed rounds first (default 2; tiny products whose unpacked tiles C2 compiles late need ~40)
 * Build the old classes in a worktree (git worktree add /tmp/old REV; mvn -o -q compile there).
 */
public class AB {
    public static void main(String[] a) throws Exception {
        String[] dirs = {a[0], a[1]}; String be = a[2]; int threads = Integer.parseInt(a[3]); int rounds = Integer.parseInt(a[4]);
        List<String> shapes = Arrays.asList(a).subList(5, a.length);
        Object[] gemms = new Object[3]; Method[] ms = new Method[3]; Object[] bks = new Object[3];
        for (int i = 0; i < 3; i++) {
            String dir = i < 2 ? dirs[i] : dirs[1];
            String name = i < 2 ? be : "blas";
            URLClassLoader cl = new URLClassLoader(new URL[] {Paths.get(dir).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> backends = cl.loadClass("org.vectorgrad.backend.Backends");
            Object b = backends.getMethod("create", String.class, int.class).invoke(null, name, threads);
            bks[i] = b;
            gemms[i] = b.getClass().getMethod("gemm").invoke(b);
            for (Method m : gemms[i].getClass().getMethods()) if (m.getName().equals("gemm") && m.getParameterCount() == 16) ms[i] = m;
            ms[i].setAccessible(true);
        }
        for (String sh : shapes) {
            String[] p = sh.split("[x:]"); int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
            boolean ta = p.length > 3 && p[3].charAt(0) == 'T', tb = p.length > 3 && p[3].charAt(1) == 'T';
            Random r = new Random(1); float[] A = new float[m * k], B = new float[k * n], C = new float[m * n];
            double zeros = Double.parseDouble(System.getProperty("zeros", "0")); for (int i = 0; i < A.length; i++) A[i] = r.nextDouble() < zeros ? 0f : r.nextFloat(); for (int i = 0; i < B.length; i++) B[i] = r.nextFloat();
            double[][] gf = new double[3][rounds];
            for (int round = -Integer.getInteger("warm", 2); round < rounds; round++) {
                for (int j = 0; j < 3; j++) {
                    int i = (round & 1) == 0 ? j : 2 - j;
                    long t0 = System.nanoTime(); int it = 0;
                    do { ms[i].invoke(gemms[i], ta, tb, m, n, k, 1f, A, 0, ta ? m : k, B, 0, tb ? k : n, 0f, C, 0, n); it++; } while (System.nanoTime() - t0 < 50_000_000L);
                    if (round >= 0) gf[i][round] = 2.0 * m * n * k * it / (System.nanoTime() - t0);
                }
            }
            double[] rn = new double[rounds], rb = new double[rounds], ro = new double[rounds];
            for (int i = 0; i < rounds; i++) { rn[i] = gf[1][i] / gf[0][i]; rb[i] = gf[1][i] / gf[2][i]; ro[i] = gf[0][i] / gf[2][i]; }
            Arrays.sort(rn); Arrays.sort(rb); Arrays.sort(ro);
            double[] o = gf[0].clone(), nn = gf[1].clone(), bb = gf[2].clone(); Arrays.sort(o); Arrays.sort(nn); Arrays.sort(bb);
            System.out.printf("%-18s best GF/s old %6.1f new %6.1f blas %6.1f | median per-round new/old %.3f  old/blas %.3f  new/blas %.3f%n",
                    sh, o[rounds - 1], nn[rounds - 1], bb[rounds - 1], rn[rounds / 2], ro[rounds / 2], rb[rounds / 2]);
        }
        System.exit(0);
    }
}
