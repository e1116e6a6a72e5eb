package org.vectorgrad.backend.vector.pool;

import org.vectorgrad.backend.Pooling;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Pooling kernels of the vector backend: the batch·channel planes are split into contiguous ranges, one per
 * thread, and each range runs {@link PoolKernels} (the CNN's 2×2 stride-2 max pool vectorized in
 * {@link MaxPool2x2}, other windows as tight loops). Planes are independent, so the result is bitwise the same
 * for any thread count (and equal to the scalar reference).
 */
public final class VectorPooling extends Pooling {
    private final Dispatcher dispatcher;

    public VectorPooling(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    protected void runMaxForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.maxForward(p, x, xOff, y, yOff, argmax, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    @Override
    protected void runMaxBackward(PoolGeometry p, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.maxBackward(p, dy, dyOff, argmax, dx, dxOff, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    @Override
    protected void runAvgForward(PoolGeometry p, float[] x, int xOff, float[] y, int yOff) {
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.avgForward(p, x, xOff, y, yOff, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    @Override
    protected void runAvgBackward(PoolGeometry p, float[] dy, int dyOff, float[] dx, int dxOff) {
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.avgBackward(p, dy, dyOff, dx, dxOff, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    private int tasks(int planes) {
        return Math.min(dispatcher.threads(), planes);
    }

    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

}
