/**
 * The trainer's gradient finiteness check over the reference MLP's six gradients (2.1 MB), best of 2,500 passes, each
 * after 12 MB of other writes (as in a training step, where the caches hold other data): docs/benchmarks-log.md,
 * fifteenth pass. Run with and without -XX:UseAVX=2.
 */
import org.vectorgrad.backend.*;
public class FinB { public static void main(String[] a) throws Exception { Backend b = Backends.create("vector", 1); float[][] x = new float[6][]; int[] sz = {784*512, 512, 512*256, 256, 2560, 10}; for (int i = 0; i < 6; i++) { x[i] = new float[sz[i]]; for (int j = 0; j < sz[i]; j++) x[i][j] = (float) Math.sin(j); }
 float[] junk = new float[3 << 20]; long best = Long.MAX_VALUE; for (int r = 0; r < 3000; r++) { for (int j = 0; j < junk.length; j += 16) junk[j] += 1; long t0 = System.nanoTime(); boolean ok = true; for (int i = 0; i < 6; i++) ok &= b.pointwise().allFinite(sz[i], x[i], 0); long t = System.nanoTime() - t0; if (!ok) throw new AssertionError(); if (r > 500) best = Math.min(best, t); if (r % 1000 == 999) System.out.printf("%.1f us%n", best / 1e3); } } }
