package org.vectorgrad.backend.vector.pool;

import org.vectorgrad.backend.Pooling;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Pooling kernels of the vector backend: the batch·channel planes are split into contiguous ranges, one per
 * thread, and each range runs {@link PoolKernels} (the CNN's 2×2 stride-2 max pool vectorized in
 * {@link MaxPool2x2}, other windows as tight loops). Planes are independent, so the result is bitwise the same
 * for any thread count (and equal to the scalar reference).
 */
public final class VectorPooling extends Pooling {
    private final Dispatcher dispatcher;
    /** The state of the current call on each calling thread, read by the dispatched chunks: no lambda per call. */
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    public VectorPooling(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    protected void runMaxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        run(Call.MAX_FORWARD, p, x, xOff, y, yOff, argmax);
    }

    @Override
    protected void runMaxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        run(Call.MAX_BACKWARD, p, dy, dyOff, dx, dxOff, argmax);
    }

    @Override
    protected void runAvgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff) {
        run(Call.AVG_FORWARD, p, x, xOff, y, yOff, null);
    }

    @Override
    protected void runAvgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff) {
        run(Call.AVG_BACKWARD, p, dy, dyOff, dx, dxOff, null);
    }

    /** {@code in}/{@code out}: x/y forward, dy/dx backward. */
    private void run(int kind, PoolGeometry p, float[] in, int inOff, float[] out, int outOff, int[] argmax) {
        Call c = calls.get();
        c.kind = kind;
        c.p = p;
        c.in = in;
        c.inOff = inOff;
        c.out = out;
        c.outOff = outOff;
        c.argmax = argmax;
        c.planes = p.batch() * p.channels();
        c.tasks = Math.min(dispatcher.threads(), c.planes);
        try {
            dispatcher.forEach(c.tasks, c.task);
        } finally {
            c.p = null; c.in = null; c.out = null; c.argmax = null; // do not keep the caller's arrays alive
        }
    }

    /** One pooling call: written by the calling thread before the dispatch, read by the chunks. */
    private static final class Call {
        static final int MAX_FORWARD = 0, MAX_BACKWARD = 1, AVG_FORWARD = 2, AVG_BACKWARD = 3;
        final ChunkTask task = this::chunk;
        int kind, planes, tasks, inOff, outOff;
        PoolGeometry p;
        float[] in, out;
        int[] argmax;

        private void chunk(int t) {
            int from = first(planes, t, tasks), to = first(planes, t + 1, tasks);
            switch (kind) {
                case MAX_FORWARD -> PoolKernels.maxForward(p, in, inOff, out, outOff, argmax, from, to);
                case MAX_BACKWARD -> PoolKernels.maxBackward(p, in, inOff, argmax, out, outOff, from, to);
                case AVG_FORWARD -> PoolKernels.avgForward(p, in, inOff, out, outOff, from, to);
                default -> PoolKernels.avgBackward(p, in, inOff, out, outOff, from, to);
            }
        }
    }

    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

}
