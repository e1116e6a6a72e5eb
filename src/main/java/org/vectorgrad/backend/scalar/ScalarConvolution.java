package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Convolution;
import org.vectorgrad.backend.Scratch;

/**
 * The convolution oracle: direct loops over output, channel and kernel tap, no GEMM (so {@link #on} keeps it).
 *
 * <p>Thread safety: stateless; one instance may serve any number of backends and threads at once.
 */
public final class ScalarConvolution extends Convolution {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarConvolution() {}

    @Override
    protected void runForward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] y, int yOff, Scratch scratch) {
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int grp = o / og;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float acc = bias == null ? 0f : bias[biasOff + o];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    acc += x[xOff + ((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            * w[wOff + ((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw];
                                }
                            }
                        }
                        y[yOff + ((n * g.outChannels() + o) * oh + yy) * ow + xx] = acc;
                    }
                }
            }
        }
    }

    @Override
    protected void runBackwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, Scratch scratch) {
        java.util.Arrays.fill(dx, dxOff, dxOff + g.inputSize(), 0f);
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int grp = o / og;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float d = dy[dyOff + ((n * g.outChannels() + o) * oh + yy) * ow + xx];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    dx[dxOff + ((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            += d * w[wOff + ((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    protected void runBackwardWeights(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                      float[] db, int dbOff, Scratch scratch) {
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int o = 0; o < g.outChannels(); o++) {
            int grp = o / og;
            for (int ci = 0; ci < cg; ci++) {
                int c = grp * cg + ci;
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int wi = dwOff + ((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw;
                        for (int n = 0; n < g.batch(); n++) {
                            float acc = 0f; // one image's sum, added per image: the same bits however the batch is cut
                            for (int yy = 0; yy < oh; yy++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int xx = 0; xx < ow; xx++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    acc += x[xOff + ((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            * dy[dyOff + ((n * g.outChannels() + o) * oh + yy) * ow + xx];
                                }
                            }
                            dw[wi] += acc;
                        }
                    }
                }
            }
        }
        if (db == null) return;
        int spatial = oh * ow;
        for (int o = 0; o < g.outChannels(); o++) {
            for (int n = 0; n < g.batch(); n++) {
                int base = dyOff + (n * g.outChannels() + o) * spatial;
                float s = 0f;
                for (int p = 0; p < spatial; p++) s += dy[base + p];
                db[dbOff + o] += s;
            }
        }
    }
}
