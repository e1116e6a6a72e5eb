package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.ConvGeometry;

/**
 * Direct forward convolution for a single input channel (the first layer of an image CNN), where im2col + GEMM
 * would run a GEMM with a reduction of only KH·KW: the image is copied once into a zero-padded plane, then every
 * output row is computed as vectors along the width, {@link #BLOCK} output channels at a time so each input
 * vector loaded serves several FMAs. Needs stride 1 along the width (vector lanes are consecutive outputs).
 */
final class DirectSingleChannel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Output channels computed together: one input load feeds this many FMAs. */
    static final int BLOCK = 4;

    private DirectSingleChannel() {}

    /** True for one input channel, one group and stride 1 along the width. */
    static boolean applies(ConvGeometry g) {
        return g.inChannels() == 1 && g.groups() == 1 && g.strideW() == 1;
    }

    /** Floats of the padded-plane buffer {@link #forward} needs. */
    static int bufferSize(ConvGeometry g) {
        return (g.inH() + g.padTop() + g.padBottom()) * (g.inW() + g.padLeft() + g.padRight()) + S.length();
    }

    /** Output of image {@code n}: {@code y[n, o] = bias[o] + Σ w[o, a, b]·x[n, 0, shifted]}. */
    static void forward(ConvGeometry g, float[] x, int n, float[] w, float[] bias, float[] y, float[] pad) {
        int ih = g.inH(), iw = g.inW(), pt = g.padTop(), pl = g.padLeft();
        int wp = iw + pl + g.padRight(), hp = ih + pt + g.padBottom();
        Arrays.fill(pad, 0, hp * wp + S.length(), 0f);
        int xImage = n * ih * iw;
        for (int r = 0; r < ih; r++) System.arraycopy(x, xImage + r * iw, pad, (r + pt) * wp + pl, iw);

        int oh = g.outH(), ow = g.outW(), kh = g.kernelH(), kw = g.kernelW(), kk = kh * kw;
        int sh = g.strideH(), dh = g.dilationH(), dw = g.dilationW(), oc = g.outChannels();
        int lanes = S.length();
        int o = 0;
        for (; o + BLOCK <= oc; o += BLOCK) {
            float b0 = bias == null ? 0f : bias[o], b1 = bias == null ? 0f : bias[o + 1];
            float b2 = bias == null ? 0f : bias[o + 2], b3 = bias == null ? 0f : bias[o + 3];
            int w0 = o * kk;
            int y0 = (n * oc + o) * oh * ow, plane = oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox += lanes) {
                    FloatVector a0 = FloatVector.broadcast(S, b0), a1 = FloatVector.broadcast(S, b1);
                    FloatVector a2 = FloatVector.broadcast(S, b2), a3 = FloatVector.broadcast(S, b3);
                    for (int a = 0; a < kh; a++) {
                        int row = (oy * sh + a * dh) * wp + ox;
                        int wr = w0 + a * kw;
                        for (int b = 0; b < kw; b++) {
                            FloatVector v = FloatVector.fromArray(S, pad, row + b * dw);
                            int wi = wr + b;
                            a0 = v.fma(FloatVector.broadcast(S, w[wi]), a0);
                            a1 = v.fma(FloatVector.broadcast(S, w[wi + kk]), a1);
                            a2 = v.fma(FloatVector.broadcast(S, w[wi + 2 * kk]), a2);
                            a3 = v.fma(FloatVector.broadcast(S, w[wi + 3 * kk]), a3);
                        }
                    }
                    int dst = y0 + oy * ow + ox;
                    if (ox + lanes <= ow) {
                        a0.intoArray(y, dst);
                        a1.intoArray(y, dst + plane);
                        a2.intoArray(y, dst + 2 * plane);
                        a3.intoArray(y, dst + 3 * plane);
                    } else {
                        VectorMask<Float> m = S.indexInRange(ox, ow);
                        a0.intoArray(y, dst, m);
                        a1.intoArray(y, dst + plane, m);
                        a2.intoArray(y, dst + 2 * plane, m);
                        a3.intoArray(y, dst + 3 * plane, m);
                    }
                }
            }
        }
        for (; o < oc; o++) {
            float bo = bias == null ? 0f : bias[o];
            int y0 = (n * oc + o) * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox += lanes) {
                    FloatVector acc = FloatVector.broadcast(S, bo);
                    for (int a = 0; a < kh; a++) {
                        int row = (oy * sh + a * dh) * wp + ox;
                        for (int b = 0; b < kw; b++) {
                            acc = FloatVector.fromArray(S, pad, row + b * dw).fma(FloatVector.broadcast(S, w[o * kk + a * kw + b]), acc);
                        }
                    }
                    acc.intoArray(y, y0 + oy * ow + ox, S.indexInRange(ox, ow));
                }
            }
        }
    }
}
