import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
/** Two builds' max pools (forward, or backward with a 6th argument) alternating in one JVM; median per-round ratio. args: oldClasses newClasses rounds channels size [bw] */
public class PoolAB {
    public static void main(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[2]); int c = Integer.parseInt(a[3]), hw = Integer.parseInt(a[4]); int n = 8;
        Object[] pools = new Object[2], geos = new Object[2]; Method[] fw = new Method[2], bw = new Method[2];
        for (int i = 0; i < 2; i++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {Paths.get(a[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Object b = cl.loadClass("org.vectorgrad.backend.Backends").getMethod("create", String.class, int.class).invoke(null, "vector", 1);
            pools[i] = b.getClass().getMethod("pooling").invoke(b);
            Class<?> gc = cl.loadClass("org.vectorgrad.backend.PoolGeometry");
            // the 11-argument (floor-mode) constructor: builds since ceil mode also have a 12-argument canonical one
            Constructor<?> k = Arrays.stream(gc.getConstructors()).filter(ct -> ct.getParameterCount() == 11).findFirst().orElseThrow();
            geos[i] = k.newInstance(n, c, hw, hw, 2, 2, 2, 2, 0, 0, false);
            for (Method m : pools[i].getClass().getMethods()) { if (m.getName().equals("maxForward")) fw[i] = m; if (m.getName().equals("maxBackward")) bw[i] = m; }
        }
        float[] x = new float[n * c * hw * hw], y = new float[x.length / 4]; int[] am = new int[y.length]; float[] dx = new float[x.length];
        Random r = new Random(1); for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
        double[][] t = new double[2][rounds];
        for (int round = -50; round < rounds; round++) for (int jj = 0; jj < 2; jj++) {
            int i = (round & 1) == 0 ? jj : 1 - jj;
            long t0 = System.nanoTime();
            if (a.length > 5) { fw[0].invoke(pools[0], geos[0], x, 0, y, 0, am); t0 = System.nanoTime(); for (int k = 0; k < 20; k++) bw[i].invoke(pools[i], geos[i], y, 0, am, dx, 0); } else for (int k = 0; k < 20; k++) fw[i].invoke(pools[i], geos[i], x, 0, y, 0, am);
            if (round >= 0) t[i][round] = (System.nanoTime() - t0) / 20.0 / x.length;
        }
        double[] q = new double[rounds]; for (int k = 0; k < rounds; k++) q[k] = t[0][k] / t[1][k]; Arrays.sort(q);
        double[] o = t[0].clone(), nn = t[1].clone(); Arrays.sort(o); Arrays.sort(nn);
        System.out.printf((a.length > 5 ? "backward " : "forward ") + "%dx%dx%d: old median %.3f ns/input, new %.3f, median old/new %.3f%n", c, hw, hw, o[rounds/2], nn[rounds/2], q[rounds/2]);
    }
}
