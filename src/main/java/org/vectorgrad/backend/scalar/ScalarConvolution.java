package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Convolution;
import org.vectorgrad.backend.Scratch;

/**
 * The convolution oracle: direct loops over output, channel and kernel tap, no GEMM (so {@link #on} keeps it).
 */
public final class ScalarConvolution extends Convolution {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarConvolution() {}

    @Override
    protected void runForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int grp = o / og;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float acc = bias == null ? 0f : bias[o];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    acc += x[((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            * w[((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw];
                                }
                            }
                        }
                        y[((n * g.outChannels() + o) * oh + yy) * ow + xx] = acc;
                    }
                }
            }
        }
    }

    @Override
    protected void runBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int grp = o / og;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float d = dy[((n * g.outChannels() + o) * oh + yy) * ow + xx];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    dx[((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            += d * w[((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    protected void runBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        int oh = g.outH(), ow = g.outW(), cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup();
        for (int o = 0; o < g.outChannels(); o++) {
            int grp = o / og;
            for (int ci = 0; ci < cg; ci++) {
                int c = grp * cg + ci;
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        float acc = 0f;
                        for (int n = 0; n < g.batch(); n++) {
                            for (int yy = 0; yy < oh; yy++) {
                                int ih = yy * g.strideH() - g.padTop() + kh * g.dilationH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int xx = 0; xx < ow; xx++) {
                                    int iw = xx * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    acc += x[((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw]
                                            * dy[((n * g.outChannels() + o) * oh + yy) * ow + xx];
                                }
                            }
                        }
                        dw[((o * cg + ci) * g.kernelH() + kh) * g.kernelW() + kw] += acc;
                    }
                }
            }
        }
        if (db == null) return;
        int spatial = oh * ow;
        for (int o = 0; o < g.outChannels(); o++) {
            float s = 0f;
            for (int n = 0; n < g.batch(); n++) {
                int base = (n * g.outChannels() + o) * spatial;
                for (int p = 0; p < spatial; p++) s += dy[base + p];
            }
            db[o] += s;
        }
    }
}
