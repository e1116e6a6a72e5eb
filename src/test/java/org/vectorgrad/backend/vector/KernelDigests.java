package org.vectorgrad.backend.vector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;

/**
 * Runs every kernel of a backend once on fixed inputs (odd sizes, vector tails) and digests the bits of each
 * output. {@link #main} is what the JIT-stability test runs in child JVMs ({@code -Xint}, C1 only): it warms the
 * kernels for the given number of rounds, fails if any round's bits differ from the first round's, and prints
 * {@code name=digest} lines.
 */
public final class KernelDigests {
    private final SplittableRandom rng = new SplittableRandom(2026);
    private final int n = 37;
    private final float[] x = random(n, 6), y = random(n, 1), t = uniform01(n), w0 = random(n, 1), v0 = uniform01(n);
    private final int rows = 5, cols = 19, k = 7;
    private final float[] a = random(rows * k, 1), b = random(k * cols, 1), logits = random(rows * cols, 8);
    private final int[] labels = new int[rows];
    private final ConvGeometry conv1 = ConvGeometry.simple(1, 1, 6, 7, 3, 3, 1, 1);     // direct single channel
    private final ConvGeometry conv2 = ConvGeometry.simple(1, 2, 5, 6, 3, 3, 1, 1);       // im2col + GEMM
    private final ConvGeometry conv3 = ConvGeometry.simple(1, 1, 7, 7, 2, 5, 1, 0);       // single channel, 5x5
    private final ConvGeometry conv4 = ConvGeometry.simple(1, 16, 5, 6, 16, 3, 1, 1);     // Winograd forward
    private final PoolGeometry pool = new PoolGeometry(1, 2, 6, 7, 3, 3, 2, 2, 1, 1, false);
    private final float[][] convX = {random(conv1.inputSize(), 1), random(conv2.inputSize(), 1), random(conv3.inputSize(), 1),
            random(conv4.inputSize(), 1)};
    private final float[][] convW = {random(conv1.weightSize(), 1), random(conv2.weightSize(), 1), random(conv3.weightSize(), 1),
            random(conv4.weightSize(), 1)};
    private final float[][] convDy = {random(conv1.outputSize(), 1), random(conv2.outputSize(), 1), random(conv3.outputSize(), 1),
            random(conv4.outputSize(), 1)};
    private final float[] poolX = random(pool.inputSize(), 3), poolDy = random(pool.outputSize(), 1);
    private final Scratch scratch = new Scratch();

    public KernelDigests() {
        for (int r = 0; r < rows; r++) labels[r] = rng.nextInt(cols);
    }

    private float[] random(int size, double scale) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return out;
    }

    private float[] uniform01(int size) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) rng.nextDouble();
        return out;
    }

    private static long digest(float[] f) {
        long h = 1125899906842597L;
        for (float v : f) h = 31 * h + Float.floatToRawIntBits(v);
        return h;
    }

    private static long digest(double d) {
        return Double.doubleToRawLongBits(d);
    }

    /** One round: every kernel once, digest per kernel (insertion order). */
    public Map<String, Long> run(Backend be) {
        Map<String, Long> d = new LinkedHashMap<>();
        float[] out = new float[n], out2 = new float[n];
        for (Activation act : Activation.values()) {
            be.pointwise().activationForward(act, 0.01f, n, x, 0, out, 0);
            d.put("activationForward " + act, digest(out));
            be.pointwise().activationBackward(act, 0.01f, n, act.backwardFromInput() ? x : out, 0, y, 0, out2, 0);
            d.put("activationBackward " + act, digest(out2));
        }
        float[] z = logits.clone();
        be.pointwise().addBias(rows, cols, z, 0, b, 0);
        d.put("addBias", digest(z));
        float[] db = new float[cols];
        be.pointwise().columnSums(rows, cols, logits, 0, db, 0);
        d.put("columnSums", digest(db));
        float[] sm = new float[rows * cols];
        be.losses().softmax(rows, cols, logits, 0, sm, 0);
        d.put("softmax", digest(sm));
        d.put("softmaxCrossEntropy loss", digest(be.losses().softmaxCrossEntropy(rows, cols, logits, 0, labels, 0, sm, 0, 1f / rows)));
        d.put("softmaxCrossEntropy grad", digest(sm));
        d.put("bce loss", digest(be.losses().binaryCrossEntropyWithLogits(n, x, 0, t, 0, out, 0, 1f / n)));
        d.put("bce grad", digest(out));
        d.put("mse loss", digest(be.losses().meanSquaredError(n, x, 0, y, 0, out, 0, 1f / n)));
        d.put("mse grad", digest(out));
        int[] am = new int[rows];
        be.losses().argmaxRows(rows, cols, logits, 0, am, 0);
        d.put("argmaxRows", (long) java.util.Arrays.hashCode(am));
        float[] yy = y.clone();
        be.pointwise().axpy(n, 0.3f, x, 0, yy, 0);
        d.put("axpy", digest(yy));
        float[] dropped = new float[n];
        be.pointwise().dropout(0.3, 7, 2, n, x, 0, dropped, 0);
        d.put("dropout", digest(dropped));
        float[] w = w0.clone(), vel = v0.clone();
        be.updates().sgd(n, 0.05f, 0.9f, 1e-4f, true, w, 0, y, 0, vel, 0);
        d.put("sgd", digest(w) ^ 31 * digest(vel));
        float[] m = y.clone(), v = v0.clone();
        w = w0.clone();
        be.updates().adam(n, 1e-4f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.01f, 0.03f, w, 0, y, 0, m, 0, v, 0);
        d.put("adam", digest(w) ^ 31 * digest(m) ^ 961 * digest(v));
        m = y.clone(); v = v0.clone(); w = w0.clone();
        be.updates().adamW(n, 0.9999f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.01f, 0.03f, w, 0, x, 0, m, 0, v, 0);
        d.put("adamW", digest(w) ^ 31 * digest(m) ^ 961 * digest(v));
        float[] sq = v0.clone(), ga = y.clone(), buf = x.clone();
        w = w0.clone();
        be.updates().rmsProp(n, 0.01f, 0.99f, 0.01f, 1e-8f, 1e-2f, 0.9f, true, w, 0, y, 0, sq, 0, ga, 0, buf, 0);
        d.put("rmsProp", digest(w) ^ 31 * digest(sq) ^ 961 * digest(ga) ^ 29791 * digest(buf));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] c = new float[rows * cols];
                be.gemm().gemm(ta, tb, rows, cols, k, 1.1f, a, 0, ta ? rows : k, b, 0, tb ? k : cols, 0f, c, 0, cols);
                d.put("gemm " + ta + tb, digest(c));
            }
        }
        ConvGeometry[] gs = {conv1, conv2, conv3, conv4};
        for (int i = 0; i < gs.length; i++) {
            ConvGeometry g = gs[i];
            float[] bias = java.util.Arrays.copyOf(convW[i], g.outChannels());
            float[] cy = new float[g.outputSize()], dx = new float[g.inputSize()];
            float[] dw = new float[g.weightSize()], dbias = new float[g.outChannels()];
            be.convolution().forward(g, convX[i], 0, convW[i], 0, bias, 0, cy, 0, scratch);
            be.convolution().backwardData(g, convDy[i], 0, convW[i], 0, dx, 0, scratch);
            be.convolution().backwardWeights(g, convX[i], 0, convDy[i], 0, dw, 0, dbias, 0, scratch);
            d.put("conv" + i + " forward", digest(cy));
            d.put("conv" + i + " backwardData", digest(dx));
            d.put("conv" + i + " backwardWeights", digest(dw) ^ 31 * digest(dbias));
        }
        float[] py = new float[pool.outputSize()], pdx = new float[pool.inputSize()];
        int[] arg = new int[pool.outputSize()];
        be.pooling().maxForward(pool, poolX, 0, py, 0, arg);
        be.pooling().maxBackward(pool, poolDy, 0, arg, pdx, 0);
        d.put("maxPool", digest(py) ^ 31 * digest(pdx) ^ java.util.Arrays.hashCode(arg));
        be.pooling().avgForward(pool, poolX, 0, py, 0);
        be.pooling().avgBackward(pool, poolDy, 0, pdx, 0);
        d.put("avgPool", digest(py) ^ 31 * digest(pdx));
        // normalization: the three batch-norm paths (channels as lanes, tiny planes, planes as lanes) and layer norm
        for (int[] s : new int[][] {{rows, cols, 1}, {2, 3, 5}, {2, 2, 37}}) {
            int bn = s[0] * s[1] * s[2];
            float[] bx = fixed(bn, 3), bdy = fixed(bn, 7);
            float[] gamma = java.util.Arrays.copyOf(b, s[1]), beta = java.util.Arrays.copyOf(a, s[1]);
            float[] rm = new float[s[1]], rv = new float[s[1]], mean = new float[s[1]], inv = new float[s[1]];
            java.util.Arrays.fill(rv, 1f);
            float[] by = new float[bn], bdx = new float[bn], dg = new float[s[1]], dbe = new float[s[1]];
            be.normalization().batchNormTrain(s[0], s[1], s[2], bx, 0, gamma, beta, 1e-5f, 0.1f, rm, rv, by, 0, mean, inv);
            be.normalization().batchNormBackward(s[0], s[1], s[2], bx, 0, bdy, 0, mean, inv, gamma, true, bdx, 0, dg, dbe);
            d.put("batchNorm " + s[2] + " train", digest(by) ^ 31 * digest(rm) ^ 961 * digest(rv) ^ 29791 * digest(inv));
            d.put("batchNorm " + s[2] + " backward", digest(bdx) ^ 31 * digest(dg) ^ 961 * digest(dbe));
            be.normalization().batchNormEval(s[0], s[1], s[2], bx, 0, gamma, beta, 1e-5f, rm, rv, by, 0, mean, inv);
            d.put("batchNorm " + s[2] + " eval", digest(by));
        }
        float[] lg = java.util.Arrays.copyOf(b, cols), lb = java.util.Arrays.copyOf(a, cols);
        float[] ly = new float[rows * cols], ldx = new float[rows * cols], lm = new float[rows], li = new float[rows];
        float[] ldg = new float[cols], ldb = new float[cols];
        be.normalization().layerNormForward(rows, cols, logits, 0, lg, lb, 1e-5f, ly, 0, lm, li);
        be.normalization().layerNormBackward(rows, cols, logits, 0, fixed(rows * cols, 5), 0, lm, li, lg, ldx, 0, ldg, ldb);
        d.put("layerNorm forward", digest(ly) ^ 31 * digest(lm) ^ 961 * digest(li));
        d.put("layerNorm backward", digest(ldx) ^ 31 * digest(ldg) ^ 961 * digest(ldb));
        return d;
    }

    /** {@code size} fixed values in [-1.6, 1.6) (integer arithmetic: the same in every round and every JVM mode). */
    private static float[] fixed(int size, int step) {
        float[] g = new float[size];
        for (int i = 0; i < size; i++) g[i] = ((i * step + 3) % 23 - 11) / 7f;
        return g;
    }

    /**
     * Runs {@code rounds} rounds after the first; returns the first round's digests, or throws naming the first
     * kernel and round whose bits changed.
     */
    public Map<String, Long> warm(Backend be, int rounds) {
        Map<String, Long> first = run(be);
        for (int r = 1; r <= rounds; r++) {
            Map<String, Long> now = run(be);
            if (!now.equals(first)) {
                for (String key : first.keySet()) {
                    if (!first.get(key).equals(now.get(key))) {
                        throw new AssertionError(key + ": bits of round " + r + " differ from the first round's");
                    }
                }
            }
        }
        return first;
    }

    /** {@code KernelDigests threads rounds}: prints {@code name=digest} for the vector backend. */
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        try (Backend be = VectorBackend.create(threads)) {
            new KernelDigests().warm(be, rounds).forEach((k, v) -> System.out.println(k + "=" + v));
        }
    }
}
