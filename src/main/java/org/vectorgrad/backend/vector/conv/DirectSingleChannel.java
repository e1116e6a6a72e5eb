package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * Direct kernels for a convolution with a single input channel (the first layer of an image CNN), where
 * im2col + GEMM would multiply with a reduction of only KH·KW (forward) or produce a KH·KW-wide result
 * (weight gradient), shapes a blocked GEMM handles poorly.
 *
 * <p>Each image is first copied into a zero-padded plane whose rows are wide enough that a vector of outputs
 * starting anywhere in a row reads only that row (columns past the image are zeros), so every load is an
 * unmasked vector load and only the last vector of an output row needs a mask. Needs stride 1 along the width
 * (vector lanes are consecutive outputs); any stride along the height, any padding and dilation.
 */
final class DirectSingleChannel {
    private static final VectorSpecies<Float> S = Lanes.F;

    private DirectSingleChannel() {}

    /** True for one input channel, one group and stride 1 along the width. */
    static boolean applies(ConvGeometry g) {
        return g.inChannels() == 1 && g.groups() == 1 && g.strideW() == 1;
    }

    /** Row length of the padded plane: the padded image, or the vector-rounded output row plus the kernel reach. */
    static int paddedWidth(ConvGeometry g) {
        int lanes = S.length();
        int roundedOut = (g.outW() + lanes - 1) / lanes * lanes;
        return Math.max(g.inW() + g.padLeft() + g.padRight(), roundedOut + (g.kernelW() - 1) * g.dilationW());
    }

    /** Floats of the padded-plane buffer the kernels need. */
    static int bufferSize(ConvGeometry g) {
        return (g.inH() + g.padTop() + g.padBottom()) * paddedWidth(g);
    }

    /** Floats of the buffer {@link #forward} needs: the padded plane, then one vector where a tail is staged. */
    static int forwardBufferSize(ConvGeometry g) {
        return bufferSize(g) + S.length();
    }

    /**
     * Stores the first {@code valid} lanes of {@code v} at {@code y[off]}. A masked store whose masked-off lanes
     * fall past the end of {@code y} (the last row of the last image) leaves the Vector API's fast path and
     * allocated per call, so that one case goes through the staging vector at {@code pad[stage]} instead; the
     * stored values are the same.
     */
    private static void storeTail(FloatVector v, float[] y, int off, int valid, VectorMask<Float> m, float[] pad, int stage) {
        if (off + S.length() <= y.length) {
            v.intoArray(y, off, m);
        } else {
            v.intoArray(pad, stage);
            System.arraycopy(pad, stage, y, off, valid);
        }
    }

    /** Copies image n into the zeroed padded plane {@code pad} (row length {@link #paddedWidth}). */
    private static void padImage(ConvGeometry g, float[] x, int xOff, int n, float[] pad) {
        int ih = g.inH(), iw = g.inW(), wp = paddedWidth(g);
        Arrays.fill(pad, 0, bufferSize(g), 0f);
        int xImage = xOff + n * ih * iw;
        for (int r = 0; r < ih; r++) System.arraycopy(x, xImage + r * iw, pad, (r + g.padTop()) * wp + g.padLeft(), iw);
    }

    /** Output of image {@code n}: {@code y[n, o] = bias[o] + Σ_{a,b} w[o, a, b]·x[n, 0, shifted]}. */
    static void forward(ConvGeometry g, float[] x, int xOff, int n, float[] w, int wOff, float[] bias, int biasOff,
                        float[] y, int yOff, float[] pad) {
        padImage(g, x, xOff, n, pad);
        if (g.kernelH() == 3 && g.kernelW() == 3) {
            forward3x3(g, n, w, wOff, bias, biasOff, y, yOff, pad);
        } else {
            forwardAny(g, n, w, wOff, bias, biasOff, y, yOff, pad);
        }
    }

    /**
     * 3×3 kernels: two output channels at a time with their 18 weights held in registers, so each output vector
     * costs 9 input loads for 18 FMAs.
     */
    private static void forward3x3(ConvGeometry g, int n, float[] w, int wOff, float[] bias, int biasOff, float[] y, int yOff, float[] pad) {
        int wp = paddedWidth(g), oh = g.outH(), ow = g.outW(), oc = g.outChannels(), plane = oh * ow;
        int sh = g.strideH(), r1 = g.dilationH() * wp, r2 = 2 * r1, c1 = g.dilationW(), c2 = 2 * c1;
        int lanes = S.length(), stage = bufferSize(g);
        for (int o = 0; o < oc; o += 2) {
            int o2 = Math.min(o + 1, oc - 1); // odd channel count: the last pair computes channel o twice
            int wa = wOff + o * 9, wb = wOff + o2 * 9;
            FloatVector a0 = bc(w[wa]), a1 = bc(w[wa + 1]), a2 = bc(w[wa + 2]), a3 = bc(w[wa + 3]), a4 = bc(w[wa + 4]);
            FloatVector a5 = bc(w[wa + 5]), a6 = bc(w[wa + 6]), a7 = bc(w[wa + 7]), a8 = bc(w[wa + 8]);
            FloatVector b0 = bc(w[wb]), b1 = bc(w[wb + 1]), b2 = bc(w[wb + 2]), b3 = bc(w[wb + 3]), b4 = bc(w[wb + 4]);
            FloatVector b5 = bc(w[wb + 5]), b6 = bc(w[wb + 6]), b7 = bc(w[wb + 7]), b8 = bc(w[wb + 8]);
            float biasA = bias == null ? 0f : bias[biasOff + o], biasB = bias == null ? 0f : bias[biasOff + o2];
            int ya = yOff + (n * oc + o) * plane, yb = yOff + (n * oc + o2) * plane;
            for (int oy = 0; oy < oh; oy++) {
                int row = oy * sh * wp;
                for (int ox = 0; ox < ow; ox += lanes) {
                    int p = row + ox;
                    FloatVector accA = bc(biasA), accB = bc(biasB), v;
                    v = load(pad, p);           accA = v.fma(a0, accA); accB = v.fma(b0, accB);
                    v = load(pad, p + c1);      accA = v.fma(a1, accA); accB = v.fma(b1, accB);
                    v = load(pad, p + c2);      accA = v.fma(a2, accA); accB = v.fma(b2, accB);
                    v = load(pad, p + r1);      accA = v.fma(a3, accA); accB = v.fma(b3, accB);
                    v = load(pad, p + r1 + c1); accA = v.fma(a4, accA); accB = v.fma(b4, accB);
                    v = load(pad, p + r1 + c2); accA = v.fma(a5, accA); accB = v.fma(b5, accB);
                    v = load(pad, p + r2);      accA = v.fma(a6, accA); accB = v.fma(b6, accB);
                    v = load(pad, p + r2 + c1); accA = v.fma(a7, accA); accB = v.fma(b7, accB);
                    v = load(pad, p + r2 + c2); accA = v.fma(a8, accA); accB = v.fma(b8, accB);
                    int dst = oy * ow + ox;
                    if (ox + lanes <= ow) {
                        accA.intoArray(y, ya + dst);
                        accB.intoArray(y, yb + dst);
                    } else {
                        VectorMask<Float> m = S.indexInRange(ox, ow);
                        storeTail(accA, y, ya + dst, ow - ox, m, pad, stage);
                        storeTail(accB, y, yb + dst, ow - ox, m, pad, stage);
                    }
                }
            }
        }
    }

    /** Any kernel size: one output channel at a time, taps in (kh, kw) order. */
    private static void forwardAny(ConvGeometry g, int n, float[] w, int wOff, float[] bias, int biasOff, float[] y, int yOff, float[] pad) {
        int wp = paddedWidth(g), oh = g.outH(), ow = g.outW(), oc = g.outChannels(), plane = oh * ow;
        int kh = g.kernelH(), kw = g.kernelW(), kk = kh * kw, sh = g.strideH(), dh = g.dilationH(), dw = g.dilationW();
        int lanes = S.length(), stage = bufferSize(g);
        for (int o = 0; o < oc; o++) {
            float bo = bias == null ? 0f : bias[biasOff + o];
            int y0 = yOff + (n * oc + o) * plane;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox += lanes) {
                    FloatVector acc = bc(bo);
                    for (int a = 0; a < kh; a++) {
                        int row = (oy * sh + a * dh) * wp + ox;
                        for (int b = 0; b < kw; b++) acc = load(pad, row + b * dw).fma(bc(w[wOff + o * kk + a * kw + b]), acc);
                    }
                    int dst = y0 + oy * ow + ox;
                    if (ox + lanes <= ow) acc.intoArray(y, dst);
                    else storeTail(acc, y, dst, ow - ox, S.indexInRange(ox, ow), pad, stage);
                }
            }
        }
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
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int j = 0; j < full; j += lanes) {
                    FloatVector v = FloatVector.fromArray(S, cols, c + j);
                    s0 = FloatVector.fromArray(S, dy, d0 + j).fma(v, s0);
                    s1 = FloatVector.fromArray(S, dy, d1 + j).fma(v, s1);
                    s2 = FloatVector.fromArray(S, dy, d2 + j).fma(v, s2);
                    s3 = FloatVector.fromArray(S, dy, d3 + j).fma(v, s3);
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
                FloatVector a0 = FloatVector.zero(S), a1 = a0;
                int o = 0;
                for (; o + 1 < oc; o += 2) {
                    a0 = FloatVector.fromArray(S, dy, dy0 + o * p + j).fma(FloatVector.broadcast(S, w[wOff + o * kk + t]), a0);
                    a1 = FloatVector.fromArray(S, dy, dy0 + (o + 1) * p + j).fma(FloatVector.broadcast(S, w[wOff + (o + 1) * kk + t]), a1);
                }
                if (o < oc) a0 = FloatVector.fromArray(S, dy, dy0 + o * p + j).fma(FloatVector.broadcast(S, w[wOff + o * kk + t]), a0);
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
        return FloatVector.broadcast(S, v);
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }
}
