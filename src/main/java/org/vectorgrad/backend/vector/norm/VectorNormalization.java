package org.vectorgrad.backend.vector.norm;

import org.vectorgrad.backend.Normalization;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The vector backend's normalization kernels ({@link NormKernels}), split over the backend's {@link Dispatcher}:
 * batch norm by channels, layer norm by rows (forward, dL/dx) and by columns (weight and bias gradients). Each
 * piece owns whole channels, rows or columns, so results are the same bits for every thread count. Small jobs
 * (fewer than {@value #PARALLEL_MIN} elements) stay on the calling thread. Thread-safe: a call's operands live in a
 * per-thread object (no allocation per call), and the shared dispatcher runs concurrent callers inline.
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

    /** The kernel a {@link Call} runs. */
    private enum Kind { BN_TRAIN, BN_EVAL, BN_BACKWARD, LN_FORWARD, LN_BACKWARD_DATA, LN_BACKWARD_PARAMS }

    /**
     * One call's operands, per calling thread and reused (a lambda capturing them allocated ~50 B per call); the
     * dispatched pieces read them. Written before {@code forEach} publishes the work, read after.
     */
    private static final class Call implements ChunkTask {
        Kind kind;
        int batch, channels, spatial, rows, cols, xOff, yOff, dyOff, dxOff, units, per;
        float eps, momentum;
        boolean batchStatistics;
        float[] x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvstd, dy, dx, dgamma, dbeta, mean, invstd;

        /** Piece c of the split: units [c·per, min(units, c·per + per)). */
        @Override
        public void run(int c) {
            range(c * per, Math.min(units, c * per + per));
        }

        void range(int from, int to) {
            switch (kind) {
                case BN_TRAIN -> NormKernels.batchNormTrain(batch, channels, spatial, x, xOff, gamma, beta, eps, momentum,
                        runningMean, runningVar, y, yOff, saveMean, saveInvstd, from, to);
                case BN_EVAL -> NormKernels.batchNormEval(batch, channels, spatial, x, xOff, gamma, beta, eps, runningMean,
                        runningVar, y, yOff, saveMean, saveInvstd, from, to);
                case BN_BACKWARD -> NormKernels.batchNormBackward(batch, channels, spatial, x, xOff, dy, dyOff, mean, invstd,
                        gamma, batchStatistics, dx, dxOff, dgamma, dbeta, from, to);
                case LN_FORWARD -> NormKernels.layerNormForward(cols, x, xOff, gamma, beta, eps, y, yOff, saveMean, saveInvstd, from, to);
                case LN_BACKWARD_DATA -> NormKernels.layerNormBackwardData(cols, x, xOff, dy, dyOff, mean, invstd, gamma, dx, dxOff,
                        from, to);
                case LN_BACKWARD_PARAMS -> NormKernels.layerNormBackwardParams(rows, cols, x, xOff, dy, dyOff, mean, invstd,
                        dgamma, dbeta, from, to);
            }
        }

        /** Drops the caller's arrays, so an idle thread's call state keeps nothing alive. */
        void clear() {
            x = gamma = beta = runningMean = runningVar = y = saveMean = saveInvstd = dy = dx = dgamma = dbeta = mean = invstd = null;
        }
    }

    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    /** Runs the call over [0, units) in pieces of whole units, each of about {@link #GRAIN} elements. */
    private void split(Call call, int units, long unitSize) {
        try {
            long total = units * unitSize;
            if (dispatcher.threads() == 1 || total < PARALLEL_MIN || units < 2) {
                call.range(0, units);
                return;
            }
            call.units = units;
            call.per = (int) Math.max(1, Math.min(units, GRAIN / Math.max(1, unitSize)));
            dispatcher.forEach((units + call.per - 1) / call.per, call);
        } finally {
            call.clear();
        }
    }

    @Override
    protected void runBatchNormTrain(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                      float eps, float momentum, float[] runningMean, float[] runningVar,
                                      float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        Call c = calls.get();
        c.kind = Kind.BN_TRAIN; c.batch = batch; c.channels = channels; c.spatial = spatial; c.x = x; c.xOff = xOff;
        c.gamma = gamma; c.beta = beta; c.eps = eps; c.momentum = momentum; c.runningMean = runningMean; c.runningVar = runningVar;
        c.y = y; c.yOff = yOff; c.saveMean = saveMean; c.saveInvstd = saveInvstd;
        split(c, channels, (long) batch * spatial);
    }

    @Override
    protected void runBatchNormEval(int batch, int channels, int spatial, float[] x, int xOff, float[] gamma, float[] beta,
                                     float eps, float[] runningMean, float[] runningVar,
                                     float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        Call c = calls.get();
        c.kind = Kind.BN_EVAL; c.batch = batch; c.channels = channels; c.spatial = spatial; c.x = x; c.xOff = xOff;
        c.gamma = gamma; c.beta = beta; c.eps = eps; c.runningMean = runningMean; c.runningVar = runningVar;
        c.y = y; c.yOff = yOff; c.saveMean = saveMean; c.saveInvstd = saveInvstd;
        split(c, channels, (long) batch * spatial);
    }

    @Override
    protected void runBatchNormBackward(int batch, int channels, int spatial, float[] x, int xOff, float[] dy, int dyOff,
                                         float[] mean, float[] invstd, float[] gamma, boolean batchStatistics,
                                         float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        Call c = calls.get();
        c.kind = Kind.BN_BACKWARD; c.batch = batch; c.channels = channels; c.spatial = spatial; c.x = x; c.xOff = xOff;
        c.dy = dy; c.dyOff = dyOff; c.mean = mean; c.invstd = invstd; c.gamma = gamma; c.batchStatistics = batchStatistics;
        c.dx = dx; c.dxOff = dxOff; c.dgamma = dgamma; c.dbeta = dbeta;
        split(c, channels, (long) batch * spatial);
    }

    @Override
    protected void runLayerNormForward(int rows, int cols, float[] x, int xOff, float[] gamma, float[] beta, float eps,
                                        float[] y, int yOff, float[] saveMean, float[] saveInvstd) {
        Call c = calls.get();
        c.kind = Kind.LN_FORWARD; c.cols = cols; c.x = x; c.xOff = xOff; c.gamma = gamma; c.beta = beta; c.eps = eps;
        c.y = y; c.yOff = yOff; c.saveMean = saveMean; c.saveInvstd = saveInvstd;
        split(c, rows, cols);
    }

    @Override
    protected void runLayerNormBackward(int rows, int cols, float[] x, int xOff, float[] dy, int dyOff, float[] mean,
                                         float[] invstd, float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        Call c = calls.get();
        if (dx != null) {
            c.kind = Kind.LN_BACKWARD_DATA; c.cols = cols; c.x = x; c.xOff = xOff; c.dy = dy; c.dyOff = dyOff; c.mean = mean;
            c.invstd = invstd; c.gamma = gamma; c.dx = dx; c.dxOff = dxOff;
            split(c, rows, cols);
        }
        if (dgamma != null || dbeta != null) {
            c.kind = Kind.LN_BACKWARD_PARAMS; c.rows = rows; c.cols = cols; c.x = x; c.xOff = xOff; c.dy = dy; c.dyOff = dyOff;
            c.mean = mean; c.invstd = invstd; c.dgamma = dgamma; c.dbeta = dbeta;
            split(c, cols, rows);
        }
    }
}
