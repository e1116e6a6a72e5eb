package org.vectorgrad.backend;

/**
 * The normalization kernel family: batch normalization over the channels of an {@code (N, C, S)} tensor (S = 1 for
 * {@code BatchNorm1d} on {@code (N, C)}, S = H·W for {@code BatchNorm2d} on NCHW) and layer normalization over the
 * last {@code cols} values of each of {@code rows} rows. Reached through {@link Backend#normalization()}.
 *
 * <p>Every public method checks its arguments here, once for every implementation, and then calls the
 * implementation's body ({@code scalar}: plain loops, the oracle; {@code vector}: Vector API, split over threads by
 * channel or row). The big operands ({@code x}, {@code y}, {@code dy}, {@code dx}) are arrays with an offset; the
 * per-channel or per-column operands ({@code gamma}, {@code beta}, running statistics, saved statistics, their
 * gradients) start at index 0 of their arrays. {@code gamma}/{@code beta} null mean "no affine transform" (weight 1,
 * bias 0); gradient outputs that are null are not computed.
 *
 * <p>Arithmetic, as PyTorch 1.13's CPU kernels: means and variances are sums in double, two passes (mean, then
 * Σ(x−mean)²); {@code invstd = 1/sqrt(var + eps)} in double, stored as float; the output and dL/dx are computed in
 * float from those. Every sum runs in an order fixed by the shapes alone, so results are deterministic and identical
 * for every thread count. NaN or ±Inf in a channel (row) makes that channel's (row's) statistics and outputs NaN, as
 * in PyTorch. Implementations are stateless and thread-safe.
 */
public abstract class Normalization {

    /**
     * Batch normalization, training mode: per channel c the batch mean and biased variance over the
     * {@code M = batch·spatial} values of c, {@code saveMean[c] = mean}, {@code saveInvstd[c] = 1/sqrt(var + eps)},
     * {@code y = (x − mean)·(invstd·gamma[c]) + beta[c]}; when {@code runningMean} is not null the running statistics
     * are updated as PyTorch does, with the <em>unbiased</em> variance:
     * {@code runningMean = (1−momentum)·runningMean + momentum·mean},
     * {@code runningVar = (1−momentum)·runningVar + momentum·var·M/(M−1)} (in double, stored as float).
     *
     * @throws IllegalArgumentException when M &lt; 2 (PyTorch: "Expected more than 1 value per channel when
     *         training") or an operand is too short
     */
    public final void batchNormTrain(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                     float eps, float momentum, float[] runningMean, float[] runningVar,
                                     float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        String k = "batchNormTrain";
        long n = batchNormShape(k, batch, channels, spatial);
        if ((long) batch * spatial < 2) {
            throw new IllegalArgumentException(k + ": expected more than 1 value per channel when training, got batch " + batch
                    + " × spatial " + spatial);
        }
        KernelArgs.length(k, "x", x, xOff, n);
        KernelArgs.length(k, "y", y, yOff, n);
        optional(k, "gamma", gamma, channels);
        optional(k, "beta", beta, channels);
        required(k, "saveMean", saveMean, channels);
        required(k, "saveInvstd", saveInvstd, channels);
        if ((runningMean == null) != (runningVar == null)) throw new IllegalArgumentException(k + ": runningMean and runningVar must both be given or both be null");
        optional(k, "runningMean", runningMean, channels);
        optional(k, "runningVar", runningVar, channels);
        batchNormTrainBody(batch, channels, spatial, x, xOff, gamma, beta, eps, momentum, runningMean, runningVar, y, yOff, saveMean, saveInvstd);
    }

    /**
     * Batch normalization, evaluation mode: {@code saveMean[c] = runningMean[c]},
     * {@code saveInvstd[c] = 1/sqrt(runningVar[c] + eps)} and {@code y = (x − mean)·(invstd·gamma[c]) + beta[c]}.
     */
    public final void batchNormEval(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                    float eps, float[] runningMean, float[] runningVar,
                                    float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        String k = "batchNormEval";
        long n = batchNormShape(k, batch, channels, spatial);
        KernelArgs.length(k, "x", x, xOff, n);
        KernelArgs.length(k, "y", y, yOff, n);
        optional(k, "gamma", gamma, channels);
        optional(k, "beta", beta, channels);
        required(k, "saveMean", saveMean, channels);
        required(k, "saveInvstd", saveInvstd, channels);
        required(k, "runningMean", runningMean, channels);
        required(k, "runningVar", runningVar, channels);
        batchNormEvalBody(batch, channels, spatial, x, xOff, gamma, beta, eps, runningMean, runningVar, y, yOff, saveMean, saveInvstd);
    }

    /**
     * Batch normalization backward from the statistics the forward saved. With {@code batchStatistics} (training
     * mode: mean and invstd were the batch's, so they depend on x), per channel with {@code M = batch·spatial},
     * {@code Σdy} and {@code Σdy·(x−mean)} in double:
     * {@code dx = (dy − Σdy/M − (x−mean)·invstd²·Σdy(x−mean)/M)·invstd·gamma}; without (evaluation mode: running
     * statistics are constants) {@code dx = dy·invstd·gamma}. Either way {@code dgamma[c] += Σdy·(x−mean)·invstd} and
     * {@code dbeta[c] += Σdy} (accumulated; each may be null). {@code dx} (overwritten) may be null.
     */
    public final void batchNormBackward(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                        float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                        float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        String k = "batchNormBackward";
        long n = batchNormShape(k, batch, channels, spatial);
        KernelArgs.length(k, "x", x, xOff, n);
        KernelArgs.length(k, "dy", dy, dyOff, n);
        if (dx != null) KernelArgs.length(k, "dx", dx, dxOff, n);
        required(k, "mean", mean, channels);
        required(k, "invstd", invstd, channels);
        optional(k, "gamma", gamma, channels);
        optional(k, "dgamma", dgamma, channels);
        optional(k, "dbeta", dbeta, channels);
        batchNormBackwardBody(batch, channels, spatial, x, xOff, dy, dyOff, mean, invstd, gamma, batchStatistics, dx, dxOff, dgamma, dbeta);
    }

    /**
     * Layer normalization: per row r of a rows×cols row-major block, mean and biased variance over its cols values
     * (in double), {@code saveMean[r]}, {@code saveInvstd[r] = 1/sqrt(var + eps)}, and
     * {@code y = fma(xhat, gamma[j], beta[j])} with {@code xhat = (x − mean)·invstd} in float ({@code y = xhat}
     * without affine).
     */
    public final void layerNormForward(int rows, int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                       float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        String k = "layerNormForward";
        long n = rowsShape(k, rows, cols);
        KernelArgs.length(k, "x", x, xOff, n);
        KernelArgs.length(k, "y", y, yOff, n);
        optional(k, "gamma", gamma, cols);
        optional(k, "beta", beta, cols);
        required(k, "saveMean", saveMean, rows);
        required(k, "saveInvstd", saveInvstd, rows);
        layerNormForwardBody(rows, cols, x, xOff, gamma, beta, eps, y, yOff, saveMean, saveInvstd);
    }

    /**
     * Layer normalization backward: with {@code g = dy·gamma} (or dy), per row {@code Σg} and {@code Σg·xhat} in
     * double, {@code dx = (g − Σg/cols − xhat·Σg·xhat/cols)·invstd} (overwritten; may be null); per column
     * {@code dgamma[j] += Σ_r dy·xhat} and {@code dbeta[j] += Σ_r dy}, rows in order, fused multiply-adds in float
     * (accumulated; each may be null).
     */
    public final void layerNormBackward(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean, float[] invstd,
                                        float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        String k = "layerNormBackward";
        long n = rowsShape(k, rows, cols);
        KernelArgs.length(k, "x", x, xOff, n);
        KernelArgs.length(k, "dy", dy, dyOff, n);
        if (dx != null) KernelArgs.length(k, "dx", dx, dxOff, n);
        required(k, "mean", mean, rows);
        required(k, "invstd", invstd, rows);
        optional(k, "gamma", gamma, cols);
        optional(k, "dgamma", dgamma, cols);
        optional(k, "dbeta", dbeta, cols);
        layerNormBackwardBody(rows, cols, x, xOff, dy, dyOff, mean, invstd, gamma, dx, dxOff, dgamma, dbeta);
    }

    // ---- the implementation's bodies: arguments already checked ------------------------------------------------

    protected abstract void batchNormTrainBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                               float eps, float momentum, float[] runningMean, float[] runningVar,
                                               float[] y, int yOff, float[] saveMean, float[] saveInvstd);

    protected abstract void batchNormEvalBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                              float eps, float[] runningMean, float[] runningVar,
                                              float[] y, int yOff, float[] saveMean, float[] saveInvstd);

    protected abstract void batchNormBackwardBody(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                                  float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                                  float[] dx, int dxOff, float[] dgamma, float[] dbeta);

    protected abstract void layerNormForwardBody(int rows, int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                                 float[] y, int yOff, float[] saveMean, float[] saveInvstd);

    protected abstract void layerNormBackwardBody(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean,
                                                  float[] invstd, float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta);

    // ---- checks -------------------------------------------------------------------------------------------------

    private static long batchNormShape(String k, int batch, int channels, int spatial) {
        if (batch < 0 || channels < 0 || spatial < 0) {
            throw new IllegalArgumentException(k + ": negative size batch=" + batch + " channels=" + channels + " spatial=" + spatial);
        }
        long n = (long) batch * channels * spatial;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(k + ": " + n + " elements exceed the largest array");
        return n;
    }

    private static long rowsShape(String k, int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(k + ": negative size rows=" + rows + " cols=" + cols);
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(k + ": " + n + " elements exceed the largest array");
        return n;
    }

    private static void required(String k, String name, float[] a, int count) {
        if (a == null) throw new IllegalArgumentException(k + ": " + name + " is null");
        optional(k, name, a, count);
    }

    private static void optional(String k, String name, float[] a, int count) {
        if (a != null && a.length < count) {
            throw new IllegalArgumentException(k + ": " + name + " needs " + count + " values from index 0 but has length " + a.length);
        }
    }
}
