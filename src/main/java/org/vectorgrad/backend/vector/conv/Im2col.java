package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.ConvGeometry;

/**
 * im2col and col2im for one image and one group of input channels, NCHW.
 *
 * <p>The column matrix of an image has {@code K = Cg·KH·KW} rows, row {@code r = (ci·KH + kh)·KW + kw},
 * and {@code P = OH·OW} columns, column {@code p = oy·OW + ox}; so {@code W_g (Og×K) · cols (K×P)} is the group's
 * output block of the image in NCHW order, with no transpose. Padded positions read as zero (im2col) and are
 * dropped (col2im).
 *
 * <p>With stride 1 every (row, oy) segment of a column row is a contiguous run of one input row, so the
 * copies become {@code System.arraycopy} and the col2im additions vector adds; other strides use a plain loop.
 */
final class Im2col {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Im2col() {}

    /**
     * Fills {@code cols[colsOff ..]} (K×P, row-major, leading dimension {@code ld} >= P, so several images can sit
     * side by side) from channels {@code [c0, c0+Cg)} of the image starting at {@code x[xOff]} (C×H×W).
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int c0, float[] cols, int colsOff, int ld) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        int pt = g.padTop(), pl = g.padLeft();
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + (c0 + ci) * ih * iw;
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int rowBase = colsOff + r * ld;
                    int iwStart = b * dw - pl;
                    // valid output columns: 0 <= ox*sw + iwStart < iw
                    int oxLo = iwStart >= 0 ? 0 : ceilDiv(-iwStart, sw);
                    int oxHi = iwStart >= iw ? 0 : Math.min(ow, ceilDiv(iw - iwStart, sw));
                    if (oxHi < oxLo) oxHi = oxLo;
                    for (int oy = 0; oy < oh; oy++) {
                        int dst = rowBase + oy * ow;
                        int y = oy * sh - pt + a * dh;
                        if (y < 0 || y >= ih || oxLo >= oxHi) {
                            Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        if (oxLo > 0) Arrays.fill(cols, dst, dst + oxLo, 0f);
                        int src = plane + y * iw + iwStart;
                        if (sw == 1) {
                            System.arraycopy(x, src + oxLo, cols, dst + oxLo, oxHi - oxLo);
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) cols[dst + ox] = x[src + ox * sw];
                        }
                        if (oxHi < ow) Arrays.fill(cols, dst + oxHi, dst + ow, 0f);
                    }
                }
            }
        }
    }

    /**
     * Accumulates {@code cols} (K×P, leading dimension {@code ld}) into channels {@code [c0, c0+Cg)} of the image
     * gradient at {@code dx[dxOff]}: the adjoint of {@link #im2col}. The caller zeroes {@code dx} first.
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, float[] dx, int dxOff, int c0) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        int pt = g.padTop(), pl = g.padLeft();
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = dxOff + (c0 + ci) * ih * iw;
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int rowBase = colsOff + r * ld;
                    int iwStart = b * dw - pl;
                    int oxLo = iwStart >= 0 ? 0 : ceilDiv(-iwStart, sw);
                    int oxHi = iwStart >= iw ? 0 : Math.min(ow, ceilDiv(iw - iwStart, sw));
                    if (oxHi <= oxLo) continue;
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * sh - pt + a * dh;
                        if (y < 0 || y >= ih) continue;
                        int src = rowBase + oy * ow;
                        int dst = plane + y * iw + iwStart;
                        if (sw == 1) {
                            addInto(cols, src + oxLo, dx, dst + oxLo, oxHi - oxLo);
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) dx[dst + ox * sw] += cols[src + ox];
                        }
                    }
                }
            }
        }
    }

    /** {@code dst[d+i] += src[s+i]} for i in [0, len). */
    static void addInto(float[] src, int s, float[] dst, int d, int len) {
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < len; i++) dst[d + i] += src[s + i];
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
