package org.vectorgrad.backend.vector.norm;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * Vector bodies of the normalization kernels (contract: {@link org.vectorgrad.backend.Normalization}), on ranges of
 * channels, rows or columns so that a caller can split them over threads: every output value is computed from its
 * own channel's (row's, column's) inputs in an order fixed by the shapes, so the split never changes a bit.
 *
 * <p>Three shapes of batch-norm work:
 * <ul>
 *   <li>{@code spatial == 1} ({@code BatchNorm1d} on (N, C)): channels are contiguous, so lanes run across
 *       {@link #ND} channels and each lane sums its channel's rows in row order, in double: the same additions in
 *       the same order as the scalar twin, hence the same bits.</li>
 *   <li>{@code spatial >= N} (a float vector's lanes): lanes run along each plane, with two double accumulators
 *       per channel reduced by {@link Lanes#sumInPlace} (the fixed tree of {@link Lanes#sum}); the tails are added in order. Not the scalar
 *       twin's order: equal to it within rounding of a double sum.</li>
 *   <li>otherwise (tiny planes): the scalar twin's loops.</li>
 * </ul>
 * Elementwise parts (output, dL/dx) use the same float operations as the twin ({@code fma} where it does), so they
 * match it bitwise given the same statistics. Layer norm: row sums along the row as the second case, the weight
 * and bias gradients across columns with rows in order (bitwise the twin's). No {@code reduceLanes(ADD)}.
 */
final class NormKernels {
    private NormKernels() {}

    /** Float species with as many lanes as {@link Lanes#D}: one load converts exactly to one double vector. */
    static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final Class<? extends Vector<Double>> DT = D.vectorType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private static final Class<? extends Vector<Float>> FHT = FH.vectorType();
    /** Lanes of {@link Lanes#D} (and of {@link #FH}). */
    static final int ND = D.length();
    /**
     * Per-thread buffer for the lane sums: a kernel stores its accumulator vector here and sums it with
     * {@link Lanes#sumInPlace}, so no vector is passed to a call that the kernel's C2 compile may leave un-inlined (the
     * ResNet's batch-norm kernels went past the inlining node budget and boxed a vector per channel there).
     */
    private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[2 * ND]);

    // ---- batch norm: statistics and output ---------------------------------------------------------------------

    /** Training forward for channels [c0, c1). */
    static void batchNormTrain(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                               float eps, float momentum, float[] runningMean, float[] runningVar,
                               float[] y, int yOff, float[] saveMean, float[] saveInvstd, int c0, int c1) {
        long m = (long) batch * spatial;
        double[] lanes = LANES.get();
        int c = c0;
        if (spatial == 1) {
            for (; c + ND <= c1; c += ND) {
                DoubleVector sum = (DoubleVector) DT.cast(DoubleVector.zero(D));
                for (int r = 0; r < batch; r++) sum = sum.add(loadD(x, xOff + r * channels + c));
                DoubleVector mean = sum.div((double) m);
                DoubleVector sq = (DoubleVector) DT.cast(DoubleVector.zero(D));
                for (int r = 0; r < batch; r++) {
                    DoubleVector d = loadD(x, xOff + r * channels + c).sub(mean);
                    sq = sq.add(d.mul(d));
                }
                for (int l = 0; l < ND; l++) {
                    finishTrain(c + l, m, mean.lane(l), sq.lane(l), eps, momentum, runningMean, runningVar, saveMean, saveInvstd);
                }
                applyColumns(batch, channels, x, xOff, gamma, beta, y, yOff, saveMean, saveInvstd, c);
            }
        }
        for (; c < c1; c++) {
            double sum = 0, sq = 0;
            if (spatial >= N) {
                sum = planeSum(batch, channels, spatial, x, xOff, c, lanes);
                sq = planeSquares(batch, channels, spatial, x, xOff, c, sum / m, lanes);
            } else {
                for (int nb = 0; nb < batch; nb++) {
                    int base = xOff + (nb * channels + c) * spatial;
                    for (int p = 0; p < spatial; p++) sum += x[base + p];
                }
                double mean = sum / m;
                for (int nb = 0; nb < batch; nb++) {
                    int base = xOff + (nb * channels + c) * spatial;
                    for (int p = 0; p < spatial; p++) {
                        double d = x[base + p] - mean;
                        sq += d * d;
                    }
                }
            }
            finishTrain(c, m, sum / m, sq, eps, momentum, runningMean, runningVar, saveMean, saveInvstd);
            applyChannel(batch, channels, spatial, c, x, xOff, gamma, beta, y, yOff, saveMean[c], saveInvstd[c]);
        }
    }

    /** Evaluation forward for channels [c0, c1). */
    static void batchNormEval(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                              float eps, float[] runningMean, float[] runningVar,
                              float[] y, int yOff, float[] saveMean, float[] saveInvstd, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            saveMean[c] = runningMean[c];
            saveInvstd[c] = (float) (1.0 / Math.sqrt((double) runningVar[c] + eps));
        }
        int c = c0;
        if (spatial == 1) {
            for (; c + ND <= c1; c += ND) applyColumns(batch, channels, x, xOff, gamma, beta, y, yOff, saveMean, saveInvstd, c);
        }
        for (; c < c1; c++) applyChannel(batch, channels, spatial, c, x, xOff, gamma, beta, y, yOff, saveMean[c], saveInvstd[c]);
    }

    private static void finishTrain(int c, long m, double mean, double sq, float eps, float momentum,
                                    float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvstd) {
        saveMean[c] = (float) mean;
        saveInvstd[c] = (float) (1.0 / Math.sqrt(sq / m + eps));
        if (runningMean != null) {
            runningMean[c] = (float) (momentum * mean + (1.0 - (double) momentum) * runningMean[c]);
            runningVar[c] = (float) (momentum * (sq / (m - 1)) + (1.0 - (double) momentum) * runningVar[c]);
        }
    }

    /** Σ of channel c over every plane, in double: two accumulators per plane row of lanes, tails in order. */
    private static double planeSum(int batch, int channels, int spatial, float[] x, int xOff, int c, double[] lanes) {
        DoubleVector a0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), a1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        double tail = 0;
        int bound = F.loopBound(spatial);
        for (int nb = 0; nb < batch; nb++) {
            int base = xOff + (nb * channels + c) * spatial;
            int p = 0;
            for (; p < bound; p += N) {
                FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, x, base + p));
                a0 = a0.add((DoubleVector) DT.cast(v.convertShape(VectorOperators.F2D, D, 0)));
                a1 = a1.add((DoubleVector) DT.cast(v.convertShape(VectorOperators.F2D, D, 1)));
            }
            for (; p < spatial; p++) tail += x[base + p];
        }
        a0.add(a1).intoArray(lanes, 0);
        return Lanes.sumInPlace(lanes, 0) + tail;
    }

    /** Σ (x − mean)² of channel c, in double, the order of {@link #planeSum}. */
    private static double planeSquares(int batch, int channels, int spatial, float[] x, int xOff, int c, double mean, double[] lanes) {
        DoubleVector a0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), a1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        double tail = 0;
        int bound = F.loopBound(spatial);
        for (int nb = 0; nb < batch; nb++) {
            int base = xOff + (nb * channels + c) * spatial;
            int p = 0;
            for (; p < bound; p += N) {
                FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, x, base + p));
                DoubleVector d0 = ((DoubleVector) DT.cast(v.convertShape(VectorOperators.F2D, D, 0))).sub(mean);
                DoubleVector d1 = ((DoubleVector) DT.cast(v.convertShape(VectorOperators.F2D, D, 1))).sub(mean);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
            }
            for (; p < spatial; p++) {
                double d = x[base + p] - mean;
                tail += d * d;
            }
        }
        a0.add(a1).intoArray(lanes, 0);
        return Lanes.sumInPlace(lanes, 0) + tail;
    }

    /** y = fma(x − mean, invstd·gamma, beta) over channel c (as the twin). */
    private static void applyChannel(int batch, int channels, int spatial, int c, float[] x, int xOff, float[] gamma, float[] beta,
                                     float[] y, int yOff, float mean, float invstd) {
        float scale = gamma == null ? invstd : invstd * gamma[c];
        float shift = beta == null ? 0f : beta[c];
        int bound = F.loopBound(spatial);
        for (int nb = 0; nb < batch; nb++) {
            int off = (nb * channels + c) * spatial;
            int p = 0;
            for (; p < bound; p += N) {
                (FloatVector.fromArray(F, x, xOff + off + p)).sub(mean).fma(scale, shift).intoArray(y, yOff + off + p);
            }
            for (; p < spatial; p++) y[yOff + off + p] = Math.fma(x[xOff + off + p] - mean, scale, shift);
        }
    }

    /** The same for the {@link #ND} channels from c of an (N, C) block: lanes across channels. */
    private static void applyColumns(int batch, int channels, float[] x, int xOff, float[] gamma, float[] beta,
                                     float[] y, int yOff, float[] saveMean, float[] saveInvstd, int c) {
        FloatVector mean = (FloatVector) FHT.cast(FloatVector.fromArray(FH, saveMean, c));
        FloatVector scale = (FloatVector) FHT.cast(FloatVector.fromArray(FH, saveInvstd, c));
        if (gamma != null) scale = scale.mul(FloatVector.fromArray(FH, gamma, c));
        FloatVector shift = beta == null ? (FloatVector) FHT.cast(FloatVector.zero(FH)) : (FloatVector) FHT.cast(FloatVector.fromArray(FH, beta, c));
        for (int r = 0; r < batch; r++) {
            int off = r * channels + c;
            (FloatVector.fromArray(FH, x, xOff + off)).sub(mean).fma(scale, shift).intoArray(y, yOff + off);
        }
    }

    private static DoubleVector loadD(float[] a, int off) {
        return (DoubleVector) DT.cast((FloatVector.fromArray(FH, a, off)).convertShape(VectorOperators.F2D, D, 0));
    }

    // ---- batch norm: backward ----------------------------------------------------------------------------------

    /** Backward for channels [c0, c1). */
    static void batchNormBackward(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                  float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                  float[] dx, int dxOff, float[] dgamma, float[] dbeta, int c0, int c1) {
        long m = (long) batch * spatial;
        double[] lanes = LANES.get();
        int c = c0;
        if (spatial == 1) {
            for (; c + ND <= c1; c += ND) {
                FloatVector mu = (FloatVector) FHT.cast(FloatVector.fromArray(FH, mean, c));
                DoubleVector sumDy = (DoubleVector) DT.cast(DoubleVector.zero(D)), sumDyXmu = (DoubleVector) DT.cast(DoubleVector.zero(D));
                for (int r = 0; r < batch; r++) {
                    int off = r * channels + c;
                    DoubleVector g = loadD(dy, dyOff + off);
                    DoubleVector d = (DoubleVector) DT.cast((FloatVector.fromArray(FH, x, xOff + off)).sub(mu).convertShape(VectorOperators.F2D, D, 0));
                    sumDy = sumDy.add(g);
                    sumDyXmu = sumDyXmu.add(g.mul(d));
                }
                for (int l = 0; l < ND; l++) {
                    int ch = c + l;
                    double s = sumDy.lane(l), sx = sumDyXmu.lane(l);
                    if (dgamma != null) dgamma[ch] += (float) (sx * invstd[ch]);
                    if (dbeta != null) dbeta[ch] += (float) s;
                    if (dx != null) columnDx(batch, channels, x, xOff, dy, dyOff, mean[ch], invstd[ch], gamma == null ? 1f : gamma[ch],
                            batchStatistics, m, s, sx, dx, dxOff, ch);
                }
            }
        }
        for (; c < c1; c++) {
            float mu = mean[c], is = invstd[c];
            double sumDy = 0, sumDyXmu = 0;
            if (spatial >= N) {
                DoubleVector a0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), a1 = (DoubleVector) DT.cast(DoubleVector.zero(D)), b0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), b1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
                int bound = F.loopBound(spatial);
                for (int nb = 0; nb < batch; nb++) {
                    int off = (nb * channels + c) * spatial;
                    int p = 0;
                    for (; p < bound; p += N) {
                        FloatVector g = (FloatVector) FT.cast(FloatVector.fromArray(F, dy, dyOff + off + p));
                        FloatVector d = (FloatVector.fromArray(F, x, xOff + off + p)).sub(mu);
                        DoubleVector g0 = (DoubleVector) DT.cast(g.convertShape(VectorOperators.F2D, D, 0));
                        DoubleVector g1 = (DoubleVector) DT.cast(g.convertShape(VectorOperators.F2D, D, 1));
                        a0 = a0.add(g0);
                        a1 = a1.add(g1);
                        b0 = b0.add(g0.mul((DoubleVector) DT.cast(d.convertShape(VectorOperators.F2D, D, 0))));
                        b1 = b1.add(g1.mul((DoubleVector) DT.cast(d.convertShape(VectorOperators.F2D, D, 1))));
                    }
                    for (; p < spatial; p++) {
                        double g = dy[dyOff + off + p];
                        sumDy += g;
                        sumDyXmu += g * (double) (x[xOff + off + p] - mu);
                    }
                }
                a0.add(a1).intoArray(lanes, 0);
                b0.add(b1).intoArray(lanes, ND);
                sumDy += Lanes.sumInPlace(lanes, 0);
                sumDyXmu += Lanes.sumInPlace(lanes, ND);
            } else {
                for (int nb = 0; nb < batch; nb++) {
                    int off = (nb * channels + c) * spatial;
                    for (int p = 0; p < spatial; p++) {
                        double g = dy[dyOff + off + p];
                        sumDy += g;
                        sumDyXmu += g * (double) (x[xOff + off + p] - mu);
                    }
                }
            }
            if (dgamma != null) dgamma[c] += (float) (sumDyXmu * is);
            if (dbeta != null) dbeta[c] += (float) sumDy;
            if (dx == null) continue;
            float w = (gamma == null ? 1f : gamma[c]) * is;
            float gradMean = batchStatistics ? (float) (sumDy / m) : 0f;
            float k = batchStatistics ? (float) (sumDyXmu * is * is / m) : 0f;
            int bound = F.loopBound(spatial);
            for (int nb = 0; nb < batch; nb++) {
                int off = (nb * channels + c) * spatial;
                int p = 0;
                for (; p < bound; p += N) {
                    FloatVector d = (FloatVector.fromArray(F, x, xOff + off + p)).sub(mu);
                    (FloatVector.fromArray(F, dy, dyOff + off + p)).sub(gradMean).sub(d.mul(k)).mul(w).intoArray(dx, dxOff + off + p);
                }
                for (; p < spatial; p++) {
                    float d = x[xOff + off + p] - mu;
                    dx[dxOff + off + p] = (dy[dyOff + off + p] - gradMean - d * k) * w;
                }
            }
        }
    }

    /** dL/dx of one channel of an (N, C) block (strided column; the formula of the twin). */
    private static void columnDx(int batch, int channels, float[] x, int xOff, float[] dy, int dyOff, float mu, float is, float gamma,
                                 boolean batchStatistics, long m, double sumDy, double sumDyXmu, float[] dx, int dxOff, int c) {
        float w = gamma * is;
        float gradMean = batchStatistics ? (float) (sumDy / m) : 0f;
        float k = batchStatistics ? (float) (sumDyXmu * is * is / m) : 0f;
        for (int r = 0; r < batch; r++) {
            int off = r * channels + c;
            float d = x[xOff + off] - mu;
            dx[dxOff + off] = (dy[dyOff + off] - gradMean - d * k) * w;
        }
    }

    // ---- layer norm --------------------------------------------------------------------------------------------

    /** Forward for rows [r0, r1). */
    static void layerNormForward(int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                 float[] y, int yOff, float[] saveMean, float[] saveInvstd, int r0, int r1) {
        int bound = F.loopBound(cols);
        double[] lanes = LANES.get();
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            double mean = planeSum(1, 1, cols, x, xOff + base, 0, lanes) / cols;
            double sq = planeSquares(1, 1, cols, x, xOff + base, 0, mean, lanes);
            float mu = (float) mean, is = (float) (1.0 / Math.sqrt(sq / cols + eps));
            saveMean[r] = mu;
            saveInvstd[r] = is;
            int j = 0;
            for (; j < bound; j += N) {
                FloatVector xhat = (FloatVector.fromArray(F, x, xOff + base + j)).sub(mu).mul(is);
                FloatVector out = gamma == null
                        ? (beta == null ? xhat : xhat.add(FloatVector.fromArray(F, beta, j)))
                        : xhat.fma(FloatVector.fromArray(F, gamma, j), beta == null ? (FloatVector) FT.cast(FloatVector.zero(F)) : (FloatVector) FT.cast(FloatVector.fromArray(F, beta, j)));
                out.intoArray(y, yOff + base + j);
            }
            for (; j < cols; j++) {
                float xhat = (x[xOff + base + j] - mu) * is;
                y[yOff + base + j] = gamma == null ? (beta == null ? xhat : xhat + beta[j]) : Math.fma(xhat, gamma[j], beta == null ? 0f : beta[j]);
            }
        }
    }

    /** dL/dx for rows [r0, r1). */
    static void layerNormBackwardData(int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean, float[] invstd,
                                      float[] gamma, float[] dx, int dxOff, int r0, int r1) {
        int bound = F.loopBound(cols);
        double[] lanes = LANES.get();
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            float mu = mean[r], is = invstd[r];
            DoubleVector a0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), a1 = (DoubleVector) DT.cast(DoubleVector.zero(D)), b0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), b1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
            double sumG = 0, sumGXhat = 0;
            int j = 0;
            for (; j < bound; j += N) {
                FloatVector g = (FloatVector) FT.cast(FloatVector.fromArray(F, dy, dyOff + base + j));
                if (gamma != null) g = g.mul(FloatVector.fromArray(F, gamma, j));
                FloatVector xhat = (FloatVector.fromArray(F, x, xOff + base + j)).sub(mu).mul(is);
                DoubleVector g0 = (DoubleVector) DT.cast(g.convertShape(VectorOperators.F2D, D, 0));
                DoubleVector g1 = (DoubleVector) DT.cast(g.convertShape(VectorOperators.F2D, D, 1));
                a0 = a0.add(g0);
                a1 = a1.add(g1);
                b0 = b0.add(g0.mul((DoubleVector) DT.cast(xhat.convertShape(VectorOperators.F2D, D, 0))));
                b1 = b1.add(g1.mul((DoubleVector) DT.cast(xhat.convertShape(VectorOperators.F2D, D, 1))));
            }
            for (; j < cols; j++) {
                float g = gamma == null ? dy[dyOff + base + j] : dy[dyOff + base + j] * gamma[j];
                float xhat = (x[xOff + base + j] - mu) * is;
                sumG += g;
                sumGXhat += (double) g * xhat;
            }
            a0.add(a1).intoArray(lanes, 0);
            b0.add(b1).intoArray(lanes, ND);
            sumG += Lanes.sumInPlace(lanes, 0);
            sumGXhat += Lanes.sumInPlace(lanes, ND);
            float a = (float) (sumG / cols), b = (float) (sumGXhat / cols);
            j = 0;
            for (; j < bound; j += N) {
                FloatVector g = (FloatVector) FT.cast(FloatVector.fromArray(F, dy, dyOff + base + j));
                if (gamma != null) g = g.mul(FloatVector.fromArray(F, gamma, j));
                FloatVector xhat = (FloatVector.fromArray(F, x, xOff + base + j)).sub(mu).mul(is);
                g.sub(a).sub(xhat.mul(b)).mul(is).intoArray(dx, dxOff + base + j);
            }
            for (; j < cols; j++) {
                float g = gamma == null ? dy[dyOff + base + j] : dy[dyOff + base + j] * gamma[j];
                float xhat = (x[xOff + base + j] - mu) * is;
                dx[dxOff + base + j] = (g - a - xhat * b) * is;
            }
        }
    }

    /** dgamma[j] += Σ_r dy·xhat and dbeta[j] += Σ_r dy for columns [j0, j1), rows in order (the twin's bits). */
    static void layerNormBackwardParams(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean, float[] invstd,
                                        float[] dgamma, float[] dbeta, int j0, int j1) {
        int j = j0;
        for (int bound = j0 + F.loopBound(j1 - j0); j < bound; j += N) {
            FloatVector accW = (FloatVector) FT.cast(FloatVector.zero(F)), accB = (FloatVector) FT.cast(FloatVector.zero(F));
            for (int r = 0; r < rows; r++) {
                int off = r * cols + j;
                FloatVector g = (FloatVector) FT.cast(FloatVector.fromArray(F, dy, dyOff + off));
                FloatVector xhat = (FloatVector.fromArray(F, x, xOff + off)).sub(mean[r]).mul(invstd[r]);
                accW = g.fma(xhat, accW);
                accB = accB.add(g);
            }
            if (dgamma != null) accW.add(FloatVector.fromArray(F, dgamma, j)).intoArray(dgamma, j);
            if (dbeta != null) accB.add(FloatVector.fromArray(F, dbeta, j)).intoArray(dbeta, j);
        }
        for (; j < j1; j++) {
            float accW = 0f, accB = 0f;
            for (int r = 0; r < rows; r++) {
                float g = dy[dyOff + r * cols + j];
                float xhat = (x[xOff + r * cols + j] - mean[r]) * invstd[r];
                accW = Math.fma(g, xhat, accW);
                accB += g;
            }
            if (dgamma != null) dgamma[j] += accW;
            if (dbeta != null) dbeta[j] += accB;
        }
    }
}
