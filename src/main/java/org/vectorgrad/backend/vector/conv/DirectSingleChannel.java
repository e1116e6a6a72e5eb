package org.vectorgrad.backend.vector.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * Direct kernels for a convolution with a single input channel (the first layer of an image CNN), where
 * im2col + GEMM would multiply with a reduction of only KH·KW (forward) or produce a KH·KW-wide result
 * (weight gradient), shapes a blocked GEMM handles poorly.
 *
 * <p>Every kernel works on the image's KH·KW column rows (made by {@link Im2col#im2col}, 28 KB for a 28×28 image
 * and a 3×3 kernel), so each output or gradient plane is one flat run of P = OH·OW positions: unmasked vector
 * loads, no row tails. (A padded-plane forward with masked row tails ran at a sixth of this speed.)
 */
final class DirectSingleChannel {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final Class<? extends Vector<Float>> VT = S.vectorType();

    private DirectSingleChannel() {}

    /** True for one input channel, one group and stride 1 along the width. */
    static boolean applies(ConvGeometry g) {
        return g.inChannels() == 1 && g.groups() == 1 && g.strideW() == 1;
    }

    /**
     * Output of image {@code n}, {@code y[n, o, p] = bias[o] + Σ_t w[o, t]·cols[t, p]}, from the image's KH·KW
     * column rows {@code cols} (made by {@link Im2col#im2col} by the caller): every output plane is one flat run of
     * P positions, so there are no row tails and no masks. Four output channels by two vectors per step: 8
     * accumulators, 2 column loads and 4 weight broadcasts per tap, which fits 16 vector registers (AVX2) as well
     * as 32. Taps are summed in order t = 0 .. KH·KW-1 onto the bias, with fused multiply-adds, in every lane and in
     * the scalar tail alike.
     */
    static void forward(ConvGeometry g, float[] cols, int n, float[] w, int wOff, float[] bias, int biasOff, float[] y, int yOff) {
        int oc = g.outChannels(), p = g.outH() * g.outW(), kk = g.kernelH() * g.kernelW();
        int lanes = S.length(), y0 = yOff + n * oc * p;
        for (int o = 0; o < oc; o += 4) {
            // a short last block repeats its last channel: the vector steps store the same values twice
            int o1 = Math.min(o + 1, oc - 1), o2 = Math.min(o + 2, oc - 1), o3 = Math.min(o + 3, oc - 1);
            int j = 0;
            j = forward4x2(cols, p, kk, w, wOff, o, o1, o2, o3, bias, biasOff, y, y0, oc);
            for (; j + lanes <= p; j += lanes) forward4x1(cols, p, kk, j, w, wOff, o, o1, o2, o3, bias, biasOff, y, y0, oc);
            for (; j < p; j++) {
                for (int c = 0; c < 4 && o + c < oc; c++) {
                    int oo = o + c;
                    float acc = bias == null ? 0f : bias[biasOff + oo];
                    for (int t = 0; t < kk; t++) acc = Math.fma(cols[t * p + j], w[wOff + oo * kk + t], acc);
                    y[y0 + oo * p + j] = acc;
                }
            }
        }
    }

    /** Outputs j .. j+L of channels o, o1, o2, o3 (the step before the scalar tail). */
    private static void forward4x1(float[] cols, int p, int kk, int j, float[] w, int wOff, int o, int o1, int o2, int o3,
                                   float[] bias, int biasOff, float[] y, int y0, int oc) {
        FloatVector a0 = bc(bias == null ? 0f : bias[biasOff + o]), a1 = bc(bias == null ? 0f : bias[biasOff + o1]);
        FloatVector a2 = bc(bias == null ? 0f : bias[biasOff + o2]), a3 = bc(bias == null ? 0f : bias[biasOff + o3]);
        int w0 = wOff + o * kk, w1 = wOff + o1 * kk, w2 = wOff + o2 * kk, w3 = wOff + o3 * kk;
        for (int t = 0; t < kk; t++) {
            FloatVector x0 = load(cols, t * p + j);
            a0 = x0.fma(bc(w[w0 + t]), a0);
            a1 = x0.fma(bc(w[w1 + t]), a1);
            a2 = x0.fma(bc(w[w2 + t]), a2);
            a3 = x0.fma(bc(w[w3 + t]), a3);
        }
        a0.intoArray(y, y0 + o * p + j);
        if (o + 1 < oc) a1.intoArray(y, y0 + o1 * p + j);
        if (o + 2 < oc) a2.intoArray(y, y0 + o2 * p + j);
        if (o + 3 < oc) a3.intoArray(y, y0 + o3 * p + j);
    }

    /**
     * Outputs of channels o, o1, o2, o3 two vectors at a time, as far as whole pairs of vectors go; returns where
     * it stopped.
     */
    private static int forward4x2(float[] cols, int p, int kk, float[] w, int wOff, int o, int o1, int o2, int o3,
                                  float[] bias, int biasOff, float[] y, int y0, int oc) {
        int lanes = S.length(), j = 0;
        FloatVector z0 = bc(bias == null ? 0f : bias[biasOff + o]), z1 = bc(bias == null ? 0f : bias[biasOff + o1]);
        FloatVector z2 = bc(bias == null ? 0f : bias[biasOff + o2]), z3 = bc(bias == null ? 0f : bias[biasOff + o3]);
        int w0 = wOff + o * kk, w1 = wOff + o1 * kk, w2 = wOff + o2 * kk, w3 = wOff + o3 * kk;
        for (; j + 2 * lanes <= p; j += 2 * lanes) {
            FloatVector a0 = z0, a1 = z1, a2 = z2, a3 = z3, b0 = z0, b1 = z1, b2 = z2, b3 = z3;
            for (int t = 0; t < kk; t++) {
                int c = t * p + j;
                FloatVector x0 = load(cols, c), x1 = load(cols, c + lanes);
                FloatVector v = bc(w[w0 + t]);
                a0 = x0.fma(v, a0);
                b0 = x1.fma(v, b0);
                v = bc(w[w1 + t]);
                a1 = x0.fma(v, a1);
                b1 = x1.fma(v, b1);
                v = bc(w[w2 + t]);
                a2 = x0.fma(v, a2);
                b2 = x1.fma(v, b2);
                v = bc(w[w3 + t]);
                a3 = x0.fma(v, a3);
                b3 = x1.fma(v, b3);
            }
            a0.intoArray(y, y0 + o * p + j);
            b0.intoArray(y, y0 + o * p + j + lanes);
            a1.intoArray(y, y0 + o1 * p + j);
            b1.intoArray(y, y0 + o1 * p + j + lanes);
            a2.intoArray(y, y0 + o2 * p + j);
            b2.intoArray(y, y0 + o2 * p + j + lanes);
            a3.intoArray(y, y0 + o3 * p + j);
            b3.intoArray(y, y0 + o3 * p + j + lanes);
        }
        return j;
    }

    /**
     * Weight gradient of image {@code n}: {@code dw[o, t] (+)= Σ_p dy[n, o, p]·cols[t, p]}, written to
     * {@code part[partOff ..]} ({@code overwrite} for the first image of a chunk, else added), from the image's
     * KH·KW column rows {@code cols} (made by {@link Im2col#im2col} by the caller, which keeps this method small
     * enough for C2 to inline its vector calls: otherwise it boxed them), so every sum is a flat dot product over
     * P contiguous positions: linear indexes, no masks, four output channels per column load.
     * (A GEMM here has N = KH·KW = 9 and ran at 6.6 GFLOP/s; tap-by-tap passes over the padded plane with
     * masked row tails were also slower.)
     */
    static void backwardWeights(ConvGeometry g, float[] cols, float[] dy, int dyOff, int n, float[] part, int partOff, boolean overwrite) {
        int oc = g.outChannels(), p = g.outH() * g.outW(), kk = g.kernelH() * g.kernelW();
        int lanes = S.length(), full = p / lanes * lanes;
        int dy0 = dyOff + n * oc * p;
        for (int o = 0; o < oc; o += 4) {
            // a short last block repeats its last channel; the repeats are computed but never stored
            int d0 = dy0 + o * p, d1 = dy0 + Math.min(o + 1, oc - 1) * p;
            int d2 = dy0 + Math.min(o + 2, oc - 1) * p, d3 = dy0 + Math.min(o + 3, oc - 1) * p;
            for (int t = 0; t < kk; t++) {
                int c = t * p;
                FloatVector s0 = (FloatVector) VT.cast(FloatVector.zero(S)), s1 = s0, s2 = s0, s3 = s0;
                for (int j = 0; j < full; j += lanes) {
                    FloatVector v = (FloatVector) VT.cast(FloatVector.fromArray(S, cols, c + j));
                    s0 = (FloatVector.fromArray(S, dy, d0 + j)).fma(v, s0);
                    s1 = (FloatVector.fromArray(S, dy, d1 + j)).fma(v, s1);
                    s2 = (FloatVector.fromArray(S, dy, d2 + j)).fma(v, s2);
                    s3 = (FloatVector.fromArray(S, dy, d3 + j)).fma(v, s3);
                }
                float r0 = Lanes.sum(s0), r1 = Lanes.sum(s1), r2 = Lanes.sum(s2), r3 = Lanes.sum(s3);
                for (int j = full; j < p; j++) {
                    float v = cols[c + j];
                    r0 += dy[d0 + j] * v;
                    r1 += dy[d1 + j] * v;
                    r2 += dy[d2 + j] * v;
                    r3 += dy[d3 + j] * v;
                }
                store(part, partOff + o * kk + t, r0, overwrite);
                if (o + 1 < oc) store(part, partOff + (o + 1) * kk + t, r1, overwrite);
                if (o + 2 < oc) store(part, partOff + (o + 2) * kk + t, r2, overwrite);
                if (o + 3 < oc) store(part, partOff + (o + 3) * kk + t, r3, overwrite);
            }
        }
    }

    /**
     * The column matrix of the input gradient of image {@code n}: {@code cols[t, p] = Σ_o w[o, t]·dy[n, o, p]}
     * (K = KH·KW rows, P columns), for {@link Im2col#col2im} to fold into dx. As a GEMM this has M = 9 rows;
     * here every row is a flat sum of the output channels' contiguous gradient planes (linear indexes, two
     * accumulators). Kept small for the same inlining reason as {@link #backwardWeights}.
     */
    static void gradientColumns(ConvGeometry g, float[] w, int wOff, float[] dy, int dyOff, int n, float[] cols) {
        int oc = g.outChannels(), p = g.outH() * g.outW(), kk = g.kernelH() * g.kernelW();
        int lanes = S.length(), full = p / lanes * lanes, dy0 = dyOff + n * oc * p;
        for (int t = 0; t < kk; t++) {
            for (int j = 0; j < full; j += lanes) {
                FloatVector a0 = (FloatVector) VT.cast(FloatVector.zero(S)), a1 = a0;
                int o = 0;
                for (; o + 1 < oc; o += 2) {
                    a0 = (FloatVector.fromArray(S, dy, dy0 + o * p + j)).fma(FloatVector.broadcast(S, w[wOff + o * kk + t]), a0);
                    a1 = (FloatVector.fromArray(S, dy, dy0 + (o + 1) * p + j)).fma(FloatVector.broadcast(S, w[wOff + (o + 1) * kk + t]), a1);
                }
                if (o < oc) a0 = (FloatVector.fromArray(S, dy, dy0 + o * p + j)).fma(FloatVector.broadcast(S, w[wOff + o * kk + t]), a0);
                a0.add(a1).intoArray(cols, t * p + j);
            }
            for (int j = full; j < p; j++) {
                float acc = 0f;
                for (int o = 0; o < oc; o++) acc += w[wOff + o * kk + t] * dy[dy0 + o * p + j];
                cols[t * p + j] = acc;
            }
        }
    }

    private static void store(float[] part, int i, float v, boolean overwrite) {
        part[i] = overwrite ? v : part[i] + v;
    }

    private static FloatVector bc(float v) {
        return (FloatVector) VT.cast(FloatVector.broadcast(S, v));
    }

    private static FloatVector load(float[] a, int i) {
        return (FloatVector) VT.cast(FloatVector.fromArray(S, a, i));
    }
}
