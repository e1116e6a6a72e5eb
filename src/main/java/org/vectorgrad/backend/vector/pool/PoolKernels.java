package org.vectorgrad.backend.vector.pool;

import java.util.Arrays;
import org.vectorgrad.backend.PoolGeometry;

/**
 * Pooling arithmetic for a range of planes (one plane = one (n, c) image channel). Window bounds are clamped
 * once per output row and column instead of tested per tap (to the input: padding, and in ceil mode a last
 * window's overhang, hold no taps), and the common 2×2 stride-2 unpadded max pool has its own loop. Results are
 * bitwise those of the scalar reference: same taps, same order, same division.
 */
final class PoolKernels {
    private PoolKernels() {}

    /** Max pooling of planes {@code [p0, p1)}; ties to the first tap in window order, the last NaN wins (PyTorch). */
    static void maxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax, int p0, int p1) {
        if (isTwoByTwo(p)) {
            if (MaxPool2x2.supported()) MaxPool2x2.forward(p.inH(), p.inW(), x, xOff, y, yOff, argmax, p0, p1);
            else max2x2(p.inH(), p.inW(), x, xOff, y, yOff, argmax, p0, p1, 0);
            return;
        }
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * p.strideH() - p.padH();
                int ya = Math.max(0, y0), yb = Math.min(ih, y0 + p.kernelH());
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * p.strideW() - p.padW();
                    int xa = Math.max(0, x0), xb = Math.min(iw, x0 + p.kernelW());
                    int bestIdx = in + ya * iw + xa;
                    float best = x[xOff + bestIdx];
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = yy == ya ? xa + 1 : xa; xx < xb; xx++) {
                            float v = x[xOff + row + xx];
                            if (v > best || v != v) { // PyTorch: first maximum, but the last NaN
                                best = v;
                                bestIdx = row + xx;
                            }
                        }
                    }
                    y[yOff + out + ox] = best;
                    argmax[out + ox] = bestIdx;
                }
            }
        }
    }

    /** Scalar 2×2 pool (species without an even lane count): same rule as the reference, taps unrolled. */
    static void max2x2(int inH, int inW, float[] x, int xOff, float[] y, int yOff, int[] argmax, int p0, int p1, int ox0) {
        int oh = inH / 2, ow = inW / 2;
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * inH * inW;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + 2 * oy * inW;
                int out = (plane * oh + oy) * ow;
                max2x2Row(inW, x, xOff, y, yOff, argmax, r0, out, ox0, ow);
            }
        }
    }

    /** Outputs {@code [ox0, ow)} of one 2×2 pool row whose top input row starts at {@code r0}. */
    /** Indices (and the arg-max) are relative to {@code xOff}; y is written from {@code yOff}. */
    static void max2x2Row(int inW, float[] x, int xOff, float[] y, int yOff, int[] argmax, int r0, int out, int ox0, int ow) {
        int r1 = r0 + inW;
        for (int ox = ox0; ox < ow; ox++) {
            int i = r0 + 2 * ox, j = r1 + 2 * ox;
            float best = x[xOff + i];
            int bi = i;
            float v = x[xOff + i + 1];
            boolean w = v > best | v != v;
            best = w ? v : best;
            bi = w ? i + 1 : bi;
            v = x[xOff + j];
            w = v > best | v != v;
            best = w ? v : best;
            bi = w ? j : bi;
            v = x[xOff + j + 1];
            w = v > best | v != v;
            best = w ? v : best;
            bi = w ? j + 1 : bi;
            y[yOff + out + ox] = best;
            argmax[out + ox] = bi;
        }
    }

    /**
     * The CNN pool: 2×2 windows, stride 2, no padding, full windows only. {@link MaxPool2x2} and {@link #max2x2}
     * assume {@code inH/2 × inW/2} outputs; ceil mode on an odd size adds a last row or column of partial windows,
     * which those loops never visit, so such a geometry takes the general loops instead.
     */
    static boolean isTwoByTwo(PoolGeometry p) {
        return p.kernelH() == 2 && p.kernelW() == 2 && p.strideH() == 2 && p.strideW() == 2 && p.padH() == 0 && p.padW() == 0
                && p.outH() == p.inH() / 2 && p.outW() == p.inW() / 2;
    }

    /**
     * Zeroes planes {@code [p0, p1)} of dx and routes each dy of those planes to its arg-max. For the 2×2 pool
     * the arg-max must be one of its window's taps (as forward produces it); elsewhere it must lie in its plane.
     */
    static void maxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff, int p0, int p1) {
        // rows of at most L/4 outputs would leave most lanes idle even two rows per vector: the scatter below is
        // faster there (it was for 7-wide maps one row per vector, before rows went in pairs)
        if (isTwoByTwo(p) && MaxPool2x2.supported() && (2 * p.outW() > MaxPool2x2.lanes() || MaxPool2x2.pairsInBackward(p.outW()))) {
            MaxPool2x2.backward(p.inH(), p.inW(), dy, dyOff, argmax, dx, dxOff, p0, p1);
            return;
        }
        int inPlane = p.inH() * p.inW(), outPlane = p.outH() * p.outW();
        int lo = p0 * inPlane, hi = p1 * inPlane;
        Arrays.fill(dx, dxOff + lo, dxOff + hi, 0f);
        for (int o = p0 * outPlane, end = p1 * outPlane; o < end; o++) {
            int idx = argmax[o];
            if (idx < lo || idx >= hi) {
                throw new IllegalArgumentException("max-pool backward: arg-max " + idx + " of output " + o
                        + " lies outside its input plane [" + lo + ", " + hi + ") for " + p);
            }
            dx[dxOff + idx] += dy[dyOff + o];
        }
    }

    /** Average pooling of planes {@code [p0, p1)}. */
    static void avgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int p0, int p1) {
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * p.strideH() - p.padH();
                int ya = Math.max(0, y0), yb = Math.min(ih, y0 + p.kernelH());
                int dh = p.divisorH(oy);
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * p.strideW() - p.padW();
                    int xa = Math.max(0, x0), xb = Math.min(iw, x0 + p.kernelW());
                    float s = 0f;
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = xa; xx < xb; xx++) s += x[xOff + row + xx];
                    }
                    int div = p.countIncludePad() ? dh * p.divisorW(ox) : (yb - ya) * (xb - xa);
                    y[yOff + out + ox] = s / div;
                }
            }
        }
    }

    /** Average pooling backward for planes {@code [p0, p1)}: dx zeroed there, then each dy/div spread over its window. */
    static void avgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff, int p0, int p1) {
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW();
        Arrays.fill(dx, dxOff + p0 * ih * iw, dxOff + p1 * ih * iw, 0f);
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * p.strideH() - p.padH();
                int ya = Math.max(0, y0), yb = Math.min(ih, y0 + p.kernelH());
                int dh = p.divisorH(oy);
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * p.strideW() - p.padW();
                    int xa = Math.max(0, x0), xb = Math.min(iw, x0 + p.kernelW());
                    int div = p.countIncludePad() ? dh * p.divisorW(ox) : (yb - ya) * (xb - xa);
                    float d = dy[dyOff + out + ox] / div;
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = xa; xx < xb; xx++) dx[dxOff + row + xx] += d;
                    }
                }
            }
        }
    }
}
