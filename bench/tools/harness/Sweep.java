import java.util.*;
import org.vectorgrad.backend.vector.*;
import org.vectorgrad.backend.vector.gemm.*;

/**
 * Interleaved sweep in one JVM: rounds x configs x shapes, best GF/s per (config, shape). With 1 thread it also
 * prints GF/s per CPU-second of the calling thread (ThreadMXBean): on a machine shared with other jobs that figure
 * does not count the time the OS gave the core to someone else, so it is far steadier than wall time. Every config
 * after the first also gets the median over rounds of its per-round (wall) ratio to the first config.
 */
public class Sweep {
    public static void main(String[] args) {
        // args: bits threads rounds "mr/kc/mc/nc,...|blas|table|caches=L1/L2/L3" shapes...  (-DprintRounds=true: every round's ratio; -Dwarmup=S: S s per shape first)
        int bits = Integer.parseInt(args[0]), th = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        String[] cfgs = args[3].split(",");
        List<String> shapes = Arrays.asList(args).subList(4, args.length);
        org.vectorgrad.backend.Backend[] vbs = new org.vectorgrad.backend.Backend[cfgs.length];
        for (int i = 0; i < cfgs.length; i++) {
            if (cfgs[i].equals("blas")) { // the project's OpenBLAS backend, for a side-by-side reference in the same JVM
                vbs[i] = org.vectorgrad.backend.Backends.create("blas", th);
                continue;
            }
            if (cfgs[i].equals("table")) { // this machine's own table (VectorBackend.blockingFor), kcOnePass included
                vbs[i] = VectorBackend.create(th, VectorBackend.blockingFor(bits));
                continue;
            }
            if (cfgs[i].startsWith("caches=")) { // another CPU's table on this one: caches=L1/L2/L3 in KiB (Zen 3: 32/512/32768)
                String[] c = cfgs[i].substring(7).split("/");
                vbs[i] = VectorBackend.create(th, VectorBackend.blockingFor(bits,
                        new CacheSizes(Long.parseLong(c[0]) << 10, Long.parseLong(c[1]) << 10, Long.parseLong(c[2]) << 10)));
                continue;
            }
            String[] p = cfgs[i].split("/");
            GemmBlocking g = GemmBlocking.forBits(bits).with(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
            if (p.length > 4) g = g.withKcOnePass(Integer.parseInt(p[4])); // mr/kc/mc/nc/kcOnePass
            vbs[i] = VectorBackend.create(th, g);
        }
        double[][] best = new double[cfgs.length][shapes.size()];
        double[][] bestCpu = new double[cfgs.length][shapes.size()];
        double[][][] all = new double[cfgs.length][shapes.size()][rounds]; // wall GF/s per round, for ratios
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        // -DownInputs=true: every configuration gets its own copy of each shape's A, B and C, so that two instances of
        // one configuration also differ in where the heap (and the OS) put the operands they read and write
        boolean ownInputs = Boolean.getBoolean("ownInputs");
        Object[][][] dataOf = new Object[cfgs.length][][];
        Object[][] data = new Object[shapes.size()][];
        for (int s = 0; s < shapes.size(); s++) {
            String[] p = shapes.get(s).split("[x:]");
            int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
            Random r = new Random(1);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
            data[s] = new Object[] {m, n, k, p.length > 3 ? p[3] : "NN", a, b, c};
        }
        for (int ci = 0; ci < cfgs.length; ci++) {
            dataOf[ci] = new Object[shapes.size()][];
            for (int s = 0; s < shapes.size(); s++) {
                Object[] d = data[s];
                dataOf[ci][s] = !ownInputs || ci == 0 ? d : new Object[] {d[0], d[1], d[2], d[3],
                        ((float[]) d[4]).clone(), ((float[]) d[5]).clone(), new float[((float[]) d[6]).length]};
            }
        }
        // -Dwarmup=S: S seconds of each configuration on each shape before the rounds, as JMH's warm-up iterations:
        // a tile that only one shape uses (the 256-bit 8 x 1 cut tile of 64x196x32) reaches C2's invocation thresholds
        // only after ~100 of its slow interpreted calls, and with 60 ms per shape per round that took 6-9 s of rounds
        // (decisions §2ai). Round 0 is dropped either way.
        long warmupNs = (long) (Double.parseDouble(System.getProperty("warmup", "0")) * 1e9);
        for (int ci = 0; ci < cfgs.length && warmupNs > 0; ci++) {
            for (Object[] d : dataOf[ci]) {
                int m = (int) d[0], n = (int) d[1], k = (int) d[2];
                boolean ta = ((String) d[3]).charAt(0) == 'T', tb = ((String) d[3]).charAt(1) == 'T';
                float[] a = (float[]) d[4], b = (float[]) d[5], c = (float[]) d[6];
                long t0 = System.nanoTime();
                do vbs[ci].gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                while (System.nanoTime() - t0 < warmupNs);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int ci = 0; ci < cfgs.length; ci++) {
                for (int s = 0; s < shapes.size(); s++) {
                    Object[] d = dataOf[ci][s];
                    int m = (int) d[0], n = (int) d[1], k = (int) d[2];
                    String tr = (String) d[3];
                    boolean ta = tr.charAt(0) == 'T', tb = tr.charAt(1) == 'T';
                    float[] a = (float[]) d[4], b = (float[]) d[5], c = (float[]) d[6];
                    long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(); int it = 0;
                    do { vbs[ci].gemm().gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n); it++; }
                    while (System.nanoTime() - t0 < 60_000_000L);
                    double gf = 2.0 * m * n * k * it / (System.nanoTime() - t0);
                    double gfCpu = 2.0 * m * n * k * it / (mx.getCurrentThreadCpuTime() - c0);
                    if (round > 0) best[ci][s] = Math.max(best[ci][s], gf);
                    all[ci][s][round] = gf;
                    if (round > 0) bestCpu[ci][s] = Math.max(bestCpu[ci][s], gfCpu);
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format("%-22s", "mr/kc/mc/nc T=" + th));
        for (String s : shapes) sb.append(String.format(" %16s", s));
        System.out.println(sb);
        for (int ci = 0; ci < cfgs.length; ci++) {
            sb = new StringBuilder(String.format("%-22s", cfgs[ci]));
            for (int s = 0; s < shapes.size(); s++) sb.append(String.format(" %16.1f", best[ci][s]));
            System.out.println(sb);
            if (th == 1) {
                sb = new StringBuilder(String.format("%-22s", "  per CPU-second"));
                for (int s = 0; s < shapes.size(); s++) sb.append(String.format(" %16.1f", bestCpu[ci][s]));
                System.out.println(sb);
            }
            if (ci > 0) { // median over rounds (after the first) of this config's GF/s over the first config's
                sb = new StringBuilder(String.format("%-22s", "  median ratio to 1st"));
                for (int s = 0; s < shapes.size(); s++) {
                    double[] q = new double[rounds - 1];
                    for (int r = 1; r < rounds; r++) q[r - 1] = all[ci][s][r] / all[0][s][r];
                    if (Boolean.getBoolean("printRounds")) System.out.println("  rounds " + shapes.get(s) + ": " + Arrays.toString(q));
                    Arrays.sort(q);
                    sb.append(String.format(" %16.3f", q[q.length / 2]));
                }
                System.out.println(sb);
            }
            vbs[ci].close();
        }
    }
}
