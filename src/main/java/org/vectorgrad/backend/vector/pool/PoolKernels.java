package org.vectorgrad.backend.vector.pool;

import java.util.Arrays;
import org.vectorgrad.backend.PoolGeometry;

/**
 * Pooling arithmetic for a range of planes (one plane = one (n, c) image channel). Window bounds are clamped
 * once per output row and column instead of tested per tap, and the common 2×2 stride-2 unpadded max pool has
 * its own loop. Results are bitwise those of the scalar reference: same taps, same order, same division.
 */
final class PoolKernels {
    private PoolKernels() {}

    /** Max pooling of planes {@code [p0, p1)}; ties to the first tap in window order, NaN wins. */
    static void maxForward(PoolGeometry p, float[] x, float[] y, int[] argmax, int p0, int p1) {
        if (p.kernelH() == 2 && p.kernelW() == 2 && p.strideH() == 2 && p.strideW() == 2 && p.padH() == 0 && p.padW() == 0) {
            max2x2(p, x, y, argmax, p0, p1);
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
                    float best = x[bestIdx];
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = yy == ya ? xa + 1 : xa; xx < xb; xx++) {
                            float v = x[row + xx];
                            if (v > best || v != v && best == best) {
                                best = v;
                                bestIdx = row + xx;
                            }
                        }
                    }
                    y[out + ox] = best;
                    argmax[out + ox] = bestIdx;
                }
            }
        }
    }

    private static void max2x2(PoolGeometry p, float[] x, float[] y, int[] argmax, int p0, int p1) {
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + 2 * oy * iw, r1 = r0 + iw;
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int i = r0 + 2 * ox;
                    float best = x[i];
                    int bi = i;
                    float v = x[i + 1];
                    if (v > best || v != v && best == best) { best = v; bi = i + 1; }
                    int j = r1 + 2 * ox;
                    v = x[j];
                    if (v > best || v != v && best == best) { best = v; bi = j; }
                    v = x[j + 1];
                    if (v > best || v != v && best == best) { best = v; bi = j + 1; }
                    y[out + ox] = best;
                    argmax[out + ox] = bi;
                }
            }
        }
    }

    /** Zeroes planes {@code [p0, p1)} of dx and routes each dy of those planes to its arg-max. */
    static void maxBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx, int p0, int p1) {
        int inPlane = p.inH() * p.inW(), outPlane = p.outH() * p.outW();
        int lo = p0 * inPlane, hi = p1 * inPlane;
        Arrays.fill(dx, lo, hi, 0f);
        for (int o = p0 * outPlane, end = p1 * outPlane; o < end; o++) {
            int idx = argmax[o];
            if (idx < lo || idx >= hi) {
                throw new IllegalArgumentException("max-pool backward: arg-max " + idx + " of output " + o
                        + " lies outside its input plane [" + lo + ", " + hi + ") for " + p);
            }
            dx[idx] += dy[o];
        }
    }

    /** Average pooling of planes {@code [p0, p1)}. */
    static void avgForward(PoolGeometry p, float[] x, float[] y, int p0, int p1) {
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW(), full = p.kernelH() * p.kernelW();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * p.strideH() - p.padH();
                int ya = Math.max(0, y0), yb = Math.min(ih, y0 + p.kernelH());
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * p.strideW() - p.padW();
                    int xa = Math.max(0, x0), xb = Math.min(iw, x0 + p.kernelW());
                    float s = 0f;
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = xa; xx < xb; xx++) s += x[row + xx];
                    }
                    int div = p.countIncludePad() ? full : (yb - ya) * (xb - xa);
                    y[out + ox] = s / div;
                }
            }
        }
    }

    /** Average pooling backward for planes {@code [p0, p1)}: dx zeroed there, then each dy/div spread over its window. */
    static void avgBackward(PoolGeometry p, float[] dy, float[] dx, int p0, int p1) {
        int ih = p.inH(), iw = p.inW(), oh = p.outH(), ow = p.outW(), full = p.kernelH() * p.kernelW();
        Arrays.fill(dx, p0 * ih * iw, p1 * ih * iw, 0f);
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * ih * iw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * p.strideH() - p.padH();
                int ya = Math.max(0, y0), yb = Math.min(ih, y0 + p.kernelH());
                int out = (plane * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * p.strideW() - p.padW();
                    int xa = Math.max(0, x0), xb = Math.min(iw, x0 + p.kernelW());
                    int div = p.countIncludePad() ? full : (yb - ya) * (xb - xa);
                    float d = dy[out + ox] / div;
                    for (int yy = ya; yy < yb; yy++) {
                        int row = in + yy * iw;
                        for (int xx = xa; xx < xb; xx++) dx[row + xx] += d;
                    }
                }
            }
        }
    }
}
