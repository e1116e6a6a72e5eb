package org.vectorgrad.backend.vector.norm;

import org.vectorgrad.backend.Normalization;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The vector backend's normalization kernels ({@link NormKernels}), split over the backend's {@link Dispatcher}:
 * batch norm by channels, layer norm by rows (forward, dL/dx) and by columns (weight and bias gradients). Each
 * piece owns whole channels, rows or columns, so results are the same bits for every thread count. Small jobs
 * (fewer than {@value #PARALLEL_MIN} elements) stay on the calling thread. Thread-safe (stateless but for the
 * shared dispatcher, which runs concurrent callers inline).
 */
public final class VectorNormalization extends Normalization {
    /** Jobs with fewer elements than this run on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;
    /** Elements per piece of a split job (about; pieces hold whole channels, rows or columns). */
    static final int GRAIN = 1 << 14;

    private final Dispatcher dispatcher;

    /** Kernels that split large jobs over {@code dispatcher}. */
    public VectorNormalization(Dispatcher dispatcher) {
        this.dispatcher = java.util.Objects.requireNonNull(dispatcher, "dispatcher");
    }

    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, units) in pieces of whole units, each of about {@link #GRAIN} elements. */
    private void split(int units, long unitSize, Range body) {
        long total = units * unitSize;
        if (dispatcher.threads() == 1 || total < PARALLEL_MIN || units < 2) {
            body.run(0, units);
            return;
        }
        int per = (int) Math.max(1, Math.min(units, GRAIN / Math.max(1, unitSize)));
        int pieces = (units + per - 1) / per;
        dispatcher.forEach(pieces, c -> body.run(c * per, Math.min(units, c * per + per)));
    }

    @Override
    protected void batchNormTrainBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                      float eps, float momentum, float[] runningMean, float[] runningVar,
                                      float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        split(channels, (long) batch * spatial, (c0, c1) -> NormKernels.batchNormTrain(batch, channels, spatial, x, xOff, gamma, beta,
                eps, momentum, runningMean, runningVar, y, yOff, saveMean, saveInvstd, c0, c1));
    }

    @Override
    protected void batchNormEvalBody(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                     float eps, float[] runningMean, float[] runningVar,
                                     float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        split(channels, (long) batch * spatial, (c0, c1) -> NormKernels.batchNormEval(batch, channels, spatial, x, xOff, gamma, beta,
                eps, runningMean, runningVar, y, yOff, saveMean, saveInvstd, c0, c1));
    }

    @Override
    protected void batchNormBackwardBody(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                         float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                         float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        split(channels, (long) batch * spatial, (c0, c1) -> NormKernels.batchNormBackward(batch, channels, spatial, x, xOff, dy, dyOff,
                mean, invstd, gamma, batchStatistics, dx, dxOff, dgamma, dbeta, c0, c1));
    }

    @Override
    protected void layerNormForwardBody(int rows, int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                        float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        split(rows, cols, (r0, r1) -> NormKernels.layerNormForward(cols, x, xOff, gamma, beta, eps, y, yOff, saveMean, saveInvstd, r0, r1));
    }

    @Override
    protected void layerNormBackwardBody(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean,
                                         float[] invstd, float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        if (dx != null) {
            split(rows, cols, (r0, r1) -> NormKernels.layerNormBackwardData(cols, x, xOff, dy, dyOff, mean, invstd, gamma, dx, dxOff, r0, r1));
        }
        if (dgamma != null || dbeta != null) {
            split(cols, rows, (j0, j1) -> NormKernels.layerNormBackwardParams(rows, cols, x, xOff, dy, dyOff, mean, invstd,
                    dgamma, dbeta, j0, j1));
        }
    }
}
