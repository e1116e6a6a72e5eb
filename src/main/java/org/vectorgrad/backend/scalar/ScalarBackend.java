package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.KernelArgs;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;

/**
 * The reference backend: every kernel as the plainest loop that computes it, single-threaded. It is the oracle
 * the vector and BLAS backends are tested against, so clarity beats speed here; no tricks.
 */
public final class ScalarBackend implements Backend {

    @Override public String name() { return "scalar"; }
    @Override public int threads() { return 1; }

    @Override public org.vectorgrad.backend.Normalization normalization() { return ScalarNormalization.INSTANCE; }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        KernelArgs.gemm("scalar gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }

    // ---- activations -------------------------------------------------------------------------------

    /**
     * act(x) for one value; shared with the layer-level tests' expectations. NaN propagates through every
     * activation, as in PyTorch 1.13: ReLU is {@code x < 0 ? 0 : x}, so ReLU(NaN) = NaN and ReLU(-0) = -0 (PyTorch's
     * bits, checked against it).
     */
    public static float activate(Activation act, float alpha, float x) {
        return switch (act) {
            case IDENTITY -> x;
            case RELU -> x < 0f ? 0f : x;
            case LEAKY_RELU -> x > 0f ? x : alpha * x;
            case SIGMOID -> (float) (1.0 / (1.0 + StrictMath.exp(-x)));
            case TANH -> (float) StrictMath.tanh(x);
        };
    }

    /**
     * act'(x) written in terms of y = act(x). ReLU's is 1 at y = NaN (PyTorch's {@code threshold_backward} passes
     * the gradient through where the output is NaN); {@link #activationBackward} selects rather than multiplies for
     * ReLU, see there.
     */
    public static float derivativeFromOutput(Activation act, float alpha, float y) {
        return switch (act) {
            case IDENTITY -> 1f;
            case RELU -> y <= 0f ? 0f : 1f;
            case LEAKY_RELU -> y > 0f ? 1f : alpha;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
        };
    }

    @Override
    public void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff, Activation act, float alpha) {
        KernelArgs.biasActivation(rows, cols, x, xOff, bias, biasOff);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = xOff + r * cols + j;
                float v = bias == null ? x[i] : x[i] + bias[biasOff + j];
                x[i] = activate(act, alpha, v);
            }
        }
    }

    @Override
    public void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        KernelArgs.columnSums(rows, cols, dy, dyOff, db, dbOff);
        for (int j = 0; j < cols; j++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += dy[dyOff + r * cols + j];
            db[dbOff + j] += s;
        }
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff) {
        KernelArgs.channelSums(batch, channels, spatial, dy, dyOff, db, dbOff);
        for (int c = 0; c < channels; c++) {
            float s = 0f;
            for (int nb = 0; nb < batch; nb++) {
                int base = dyOff + (nb * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) s += dy[base + p];
            }
            db[dbOff + c] += s;
        }
    }

    @Override
    public void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("activationForward", n, "x", x, xOff, "y", y, yOff);
        for (int i = 0; i < n; i++) y[yOff + i] = activate(act, alpha, x[xOff + i]);
    }

    @Override
    public void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        KernelArgs.activationBackward(n, y, yOff, dy, dyOff, dx, dxOff);
        for (int i = 0; i < n; i++) dx[dxOff + i] = backwardOne(act, alpha, y[yOff + i], dy[dyOff + i]);
    }

    /**
     * dx for one element given the output y and dL/dy. ReLU is PyTorch's {@code threshold_backward}:
     * {@code y <= 0 ? 0 : dy}, a select, so a dead unit gives +0 even where dy is NaN or ±Inf, and a NaN output
     * passes dy through. The others are {@code dy · act'(y)}.
     */
    public static float backwardOne(Activation act, float alpha, float y, float dy) {
        return act == Activation.RELU ? (y <= 0f ? 0f : dy) : dy * derivativeFromOutput(act, alpha, y);
    }

    // ---- softmax and losses ------------------------------------------------------------------------

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.rows("softmax", rows, cols, x, xOff, y, yOff);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = rowMax(x, xOff + base, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += StrictMath.exp(x[xOff + base + j] - max);
            for (int j = 0; j < cols; j++) y[yOff + base + j] = (float) (StrictMath.exp(x[xOff + base + j] - max) / sum);
        }
    }

    private static float rowMax(float[] x, int off, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
        return max;
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale) {
        KernelArgs.softmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int base = lOff + r * cols;
            int label = labels[labOff + r];
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("label " + label + " of row " + r + " is outside [0, " + cols + ")");
            }
            float max = rowMax(logits, base, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += StrictMath.exp(logits[base + j] - max);
            double lse = max + StrictMath.log(sum);
            total += lse - logits[base + label];
            if (grad != null) {
                for (int j = 0; j < cols; j++) {
                    double p = StrictMath.exp(logits[base + j] - lse);
                    grad[gOff + r * cols + j] = (float) (scale * (p - (j == label ? 1.0 : 0.0)));
                }
            }
        }
        return rows == 0 ? 0 : total / rows;
    }

    @Override
    public double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("binaryCrossEntropyWithLogits", n, "logits", logits, lOff, "targets", targets, tOff, grad, gOff);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double x = logits[lOff + i], t = targets[tOff + i];
            total += Math.max(x, 0) - x * t + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
            if (grad != null) grad[gOff + i] = (float) (scale * (1.0 / (1.0 + StrictMath.exp(-x)) - t));
        }
        return n == 0 ? 0 : total / n;
    }

    @Override
    public double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("meanSquaredError", n, "pred", pred, pOff, "target", target, tOff, grad, gOff);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[pOff + i] - target[tOff + i];
            total += d * d;
            if (grad != null) grad[gOff + i] = (float) (scale * 2.0 * d);
        }
        return n == 0 ? 0 : total / n;
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        KernelArgs.argmaxRows(rows, cols, x, xOff, out, outOff);
        for (int r = 0; r < rows; r++) {
            // PyTorch's argmax: NaN is the largest value, so the first NaN wins; otherwise the first maximum
            int best = 0;
            for (int j = 0; j < cols; j++) {
                float v = x[xOff + r * cols + j];
                if (Float.isNaN(v)) {
                    best = j;
                    break;
                }
                if (v > x[xOff + r * cols + best]) best = j;
            }
            out[outOff + r] = best;
        }
    }

    // ---- reductions and BLAS-1 ---------------------------------------------------------------------

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("dot", n, "x", x, xOff, "y", y, yOff);
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("axpy", n, "x", x, xOff, "y", y, yOff);
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        KernelArgs.elementwise("scale", n, "x", x, xOff, null, null, 0);
        for (int i = 0; i < n; i++) x[xOff + i] *= alpha;
    }

    // ---- optimizers --------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        KernelArgs.sgdUpdate(n, momentum, w, wOff, g, gOff, v, vOff);
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float d = grad;
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                d = nesterov ? grad + momentum * vel : vel;
            }
            w[wOff + i] -= lr * d;
        }
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        KernelArgs.adamUpdate(n, w, wOff, g, gOff, m, mOff, v, vOff);
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * grad;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * grad * grad;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            w[wOff + i] -= lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
        }
    }

    // ---- convolution: direct loops -----------------------------------------------------------------

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        KernelArgs.conv("conv2d forward", g, x, "x", g.inputSize(), w, y, "y", g.outputSize());
        KernelArgs.convBias("conv2d forward", "bias", g, bias);
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
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        KernelArgs.conv("conv2d backward-data", g, dx, "dx", g.inputSize(), w, dy, "dy", g.outputSize());
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
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        KernelArgs.conv("conv2d backward-weights", g, x, "x", g.inputSize(), dw, dy, "dy", g.outputSize());
        KernelArgs.convBias("conv2d backward-weights", "db", g, db);
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
        if (db != null) channelSums(g.batch(), g.outChannels(), oh * ow, dy, 0, db, 0);
    }

    // ---- pooling -----------------------------------------------------------------------------------

    @Override
    public void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax) {
        KernelArgs.pool("max-pool forward", p, x.length, y.length);
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
                            if (bestIdx < 0 || x[idx] > best || Float.isNaN(x[idx])) {
                                best = x[idx];
                                bestIdx = idx;
                            }
                        }
                    }
                    int o = (plane * oh + yy) * ow + xx;
                    y[o] = best;
                    argmax[o] = bestIdx;
                }
            }
        }
    }

    @Override
    public void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) {
        KernelArgs.pool("max-pool backward", p, dx.length, dy.length);
        java.util.Arrays.fill(dx, 0, p.inputSize(), 0f);
        int n = p.outputSize();
        for (int o = 0; o < n; o++) dx[argmax[o]] += dy[o];
    }

    @Override
    public void avgPool2dForward(PoolGeometry p, float[] x, float[] y) {
        KernelArgs.pool("avg-pool forward", p, x.length, y.length);
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
                            s += x[inBase + ih * p.inW() + iw];
                            count++;
                        }
                    }
                    int div = p.countIncludePad() ? p.kernelH() * p.kernelW() : count;
                    y[(plane * oh + yy) * ow + xx] = s / div;
                }
            }
        }
    }

    @Override
    public void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx) {
        KernelArgs.pool("avg-pool backward", p, dx.length, dy.length);
        java.util.Arrays.fill(dx, 0, p.inputSize(), 0f);
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
                    int div = p.countIncludePad() ? p.kernelH() * p.kernelW() : count;
                    float d = dy[(plane * oh + yy) * ow + xx] / div;
                    for (int kh = 0; kh < p.kernelH(); kh++) {
                        int ih = yy * p.strideH() - p.padH() + kh;
                        if (ih < 0 || ih >= p.inH()) continue;
                        for (int kw = 0; kw < p.kernelW(); kw++) {
                            int iw = xx * p.strideW() - p.padW() + kw;
                            if (iw >= 0 && iw < p.inW()) dx[inBase + ih * p.inW() + iw] += d;
                        }
                    }
                }
            }
        }
    }
}
