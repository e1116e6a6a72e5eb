package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Normalization;

/**
 * The reference normalization kernels (see {@link Normalization} for the contract): plain loops, sums in double in
 * element order, single-threaded. The oracle the vector kernels are tested against. Stateless and thread-safe.
 */
public final class ScalarNormalization extends Normalization {
    /** The one instance (the kernels hold no state). */
    public static final ScalarNormalization INSTANCE = new ScalarNormalization();

    private ScalarNormalization() {}

    @Override
    protected void batchNormTrainBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                      float eps, float momentum, float[] runningMean, float[] runningVar,
                                      float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        long m = (long) batch * spatial;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int nb = 0; nb < batch; nb++) {
                int base = xOff + (nb * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) sum += x[base + p];
            }
            double mean = sum / m;
            double sq = 0;
            for (int nb = 0; nb < batch; nb++) {
                int base = xOff + (nb * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    double d = x[base + p] - mean;
                    sq += d * d;
                }
            }
            double invstd = 1.0 / Math.sqrt(sq / m + eps);
            saveMean[c] = (float) mean;
            saveInvstd[c] = (float) invstd;
            if (runningMean != null) {
                runningMean[c] = (float) (momentum * mean + (1.0 - (double) momentum) * runningMean[c]);
                runningVar[c] = (float) (momentum * (sq / (m - 1)) + (1.0 - (double) momentum) * runningVar[c]);
            }
            apply(batch, channels, spatial, c, x, xOff, gamma, beta, y, yOff, saveMean[c], saveInvstd[c]);
        }
    }

    @Override
    protected void batchNormEvalBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                     float eps, float[] runningMean, float[] runningVar,
                                     float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        for (int c = 0; c < channels; c++) {
            saveMean[c] = runningMean[c];
            saveInvstd[c] = (float) (1.0 / Math.sqrt((double) runningVar[c] + eps));
            apply(batch, channels, spatial, c, x, xOff, gamma, beta, y, yOff, saveMean[c], saveInvstd[c]);
        }
    }

    /** y = fma(x − mean, invstd·gamma, beta) over channel c. */
    private static void apply(int batch, int channels, int spatial, int c, float[] x, int xOff, float[] gamma, float[] beta,
                              float[] y, int yOff, float mean, float invstd) {
        float scale = gamma == null ? invstd : invstd * gamma[c];
        float shift = beta == null ? 0f : beta[c];
        for (int nb = 0; nb < batch; nb++) {
            int off = (nb * channels + c) * spatial;
            for (int p = 0; p < spatial; p++) y[yOff + off + p] = Math.fma(x[xOff + off + p] - mean, scale, shift);
        }
    }

    @Override
    protected void batchNormBackwardBody(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                         float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                         float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        long m = (long) batch * spatial;
        for (int c = 0; c < channels; c++) {
            float mu = mean[c], is = invstd[c];
            double sumDy = 0, sumDyXmu = 0;
            for (int nb = 0; nb < batch; nb++) {
                int off = (nb * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    double g = dy[dyOff + off + p];
                    sumDy += g;
                    sumDyXmu += g * (double) (x[xOff + off + p] - mu);
                }
            }
            if (dgamma != null) dgamma[c] += (float) (sumDyXmu * is);
            if (dbeta != null) dbeta[c] += (float) sumDy;
            if (dx == null) continue;
            float w = (gamma == null ? 1f : gamma[c]) * is;
            float gradMean = batchStatistics ? (float) (sumDy / m) : 0f;
            float k = batchStatistics ? (float) (sumDyXmu * is * is / m) : 0f;
            for (int nb = 0; nb < batch; nb++) {
                int off = (nb * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    float d = x[xOff + off + p] - mu;
                    dx[dxOff + off + p] = (dy[dyOff + off + p] - gradMean - d * k) * w;
                }
            }
        }
    }

    @Override
    protected void layerNormForwardBody(int rows, int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                        float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += x[xOff + base + j];
            double mean = sum / cols;
            double sq = 0;
            for (int j = 0; j < cols; j++) {
                double d = x[xOff + base + j] - mean;
                sq += d * d;
            }
            float mu = (float) mean, is = (float) (1.0 / Math.sqrt(sq / cols + eps));
            saveMean[r] = mu;
            saveInvstd[r] = is;
            for (int j = 0; j < cols; j++) {
                float xhat = (x[xOff + base + j] - mu) * is;
                y[yOff + base + j] = gamma == null ? (beta == null ? xhat : xhat + beta[j]) : Math.fma(xhat, gamma[j], beta == null ? 0f : beta[j]);
            }
        }
    }

    @Override
    protected void layerNormBackwardBody(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean,
                                         float[] invstd, float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        if (dx != null) {
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                float mu = mean[r], is = invstd[r];
                double sumG = 0, sumGXhat = 0;
                for (int j = 0; j < cols; j++) {
                    float g = gamma == null ? dy[dyOff + base + j] : dy[dyOff + base + j] * gamma[j];
                    float xhat = (x[xOff + base + j] - mu) * is;
                    sumG += g;
                    sumGXhat += (double) g * xhat;
                }
                float a = (float) (sumG / cols), b = (float) (sumGXhat / cols);
                for (int j = 0; j < cols; j++) {
                    float g = gamma == null ? dy[dyOff + base + j] : dy[dyOff + base + j] * gamma[j];
                    float xhat = (x[xOff + base + j] - mu) * is;
                    dx[dxOff + base + j] = (g - a - xhat * b) * is;
                }
            }
        }
        for (int j = 0; j < cols; j++) {
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
