package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Pooling;
import org.vectorgrad.backend.PoolGeometry;

/**
 * The pooling oracle: every window visited in row-major order, PyTorch 1.13's NaN and tie rules. Taps outside
 * the input (padding, and in ceil mode the overhang of a last window) are skipped; average pooling divides by
 * PyTorch's divisor ({@link PoolGeometry#divisorH} × {@link PoolGeometry#divisorW}, or the taps inside the input).
 *
 * <p>Thread safety: stateless; one instance may serve any number of backends and threads at once.
 */
public final class ScalarPooling extends Pooling {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarPooling() {}

    @Override
    protected void runMaxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        int oh = p.outH(), ow = p.outW();
        for (int plane = 0; plane < p.batch() * p.channels(); plane++) {
            int inBase = plane * p.inH() * p.inW();
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bestIdx = -1;
                    for (int kh = 0; kh < p.kernelH(); kh++) {
                        int ih = yy * p.strideH() - p.padH() + kh;
                        if (ih < 0 || ih >= p.inH()) continue;
                        for (int kw = 0; kw < p.kernelW(); kw++) {
                            int iw = xx * p.strideW() - p.padW() + kw;
                            if (iw < 0 || iw >= p.inW()) continue;
                            int idx = inBase + ih * p.inW() + iw;
                            // PyTorch's rule: strict '>' keeps the first maximum in window order, and every NaN
                            // wins, so NaN propagates and the last NaN of the window is the one recorded
                            if (bestIdx < 0 || x[xOff + idx] > best || Float.isNaN(x[xOff + idx])) {
                                best = x[xOff + idx];
                                bestIdx = idx;
                            }
                        }
                    }
                    int o = (plane * oh + yy) * ow + xx;
                    y[yOff + o] = best;
                    argmax[o] = bestIdx;
                }
            }
        }
    }

    @Override
    protected void runMaxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        java.util.Arrays.fill(dx, dxOff, dxOff + p.inputSize(), 0f);
        int n = p.outputSize();
        for (int o = 0; o < n; o++) dx[dxOff + argmax[o]] += dy[dyOff + o];
    }

    @Override
    protected void runAvgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff) {
        int oh = p.outH(), ow = p.outW();
        for (int plane = 0; plane < p.batch() * p.channels(); plane++) {
            int inBase = plane * p.inH() * p.inW();
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    float s = 0f;
                    int count = 0;
                    for (int kh = 0; kh < p.kernelH(); kh++) {
                        int ih = yy * p.strideH() - p.padH() + kh;
                        if (ih < 0 || ih >= p.inH()) continue;
                        for (int kw = 0; kw < p.kernelW(); kw++) {
                            int iw = xx * p.strideW() - p.padW() + kw;
                            if (iw < 0 || iw >= p.inW()) continue;
                            s += x[xOff + inBase + ih * p.inW() + iw];
                            count++;
                        }
                    }
                    int div = p.countIncludePad() ? p.divisorH(yy) * p.divisorW(xx) : count;
                    y[yOff + (plane * oh + yy) * ow + xx] = s / div;
                }
            }
        }
    }

    @Override
    protected void runAvgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff) {
        java.util.Arrays.fill(dx, dxOff, dxOff + p.inputSize(), 0f);
        int oh = p.outH(), ow = p.outW();
        for (int plane = 0; plane < p.batch() * p.channels(); plane++) {
            int inBase = plane * p.inH() * p.inW();
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    int count = 0;
                    for (int kh = 0; kh < p.kernelH(); kh++) {
                        int ih = yy * p.strideH() - p.padH() + kh;
                        if (ih < 0 || ih >= p.inH()) continue;
                        for (int kw = 0; kw < p.kernelW(); kw++) {
                            int iw = xx * p.strideW() - p.padW() + kw;
                            if (iw >= 0 && iw < p.inW()) count++;
                        }
                    }
                    int div = p.countIncludePad() ? p.divisorH(yy) * p.divisorW(xx) : count;
                    float d = dy[dyOff + (plane * oh + yy) * ow + xx] / div;
                    for (int kh = 0; kh < p.kernelH(); kh++) {
                        int ih = yy * p.strideH() - p.padH() + kh;
                        if (ih < 0 || ih >= p.inH()) continue;
                        for (int kw = 0; kw < p.kernelW(); kw++) {
                            int iw = xx * p.strideW() - p.padW() + kw;
                            if (iw >= 0 && iw < p.inW()) dx[dxOff + inBase + ih * p.inW() + iw] += d;
                        }
                    }
                }
            }
        }
    }
}
