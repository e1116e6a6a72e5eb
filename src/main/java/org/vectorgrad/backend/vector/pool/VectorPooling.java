package org.vectorgrad.backend.vector.pool;

import org.vectorgrad.backend.KernelArgs;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Pooling kernels of the vector backend: the batch·channel planes are split into contiguous ranges, one per
 * thread, and each range runs {@link PoolKernels} (the CNN's 2×2 stride-2 max pool vectorized in
 * {@link MaxPool2x2}, other windows as tight loops). Planes are independent, so the result is bitwise the same
 * for any thread count (and equal to the scalar reference).
 */
public final class VectorPooling {
    private final Dispatcher dispatcher;

    public VectorPooling(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Max pooling forward; {@code argmax[i]} gets the flat index into x of output i's winner. */
    public void maxForward(PoolGeometry p, float[] x, float[] y, int[] argmax) {
        KernelArgs.pool("max-pool forward", p, x.length, y.length);
        if (argmax.length < p.outputSize()) {
            throw new IllegalArgumentException("max-pool forward: argmax has " + argmax.length + " elements, needs " + p.outputSize() + " for " + p);
        }
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.maxForward(p, x, y, argmax, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    /** Max pooling backward: dx overwritten, each dy routed to its arg-max. */
    public void maxBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) {
        KernelArgs.pool("max-pool backward", p, dx.length, dy.length);
        if (argmax.length < p.outputSize()) {
            throw new IllegalArgumentException("max-pool backward: argmax has " + argmax.length + " elements, needs " + p.outputSize() + " for " + p);
        }
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.maxBackward(p, dy, argmax, dx, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    /** Average pooling forward. */
    public void avgForward(PoolGeometry p, float[] x, float[] y) {
        KernelArgs.pool("avg-pool forward", p, x.length, y.length);
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.avgForward(p, x, y, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    /** Average pooling backward: dx overwritten. */
    public void avgBackward(PoolGeometry p, float[] dy, float[] dx) {
        KernelArgs.pool("avg-pool backward", p, dx.length, dy.length);
        int planes = p.batch() * p.channels(), tasks = tasks(planes);
        dispatcher.forEach(tasks, t -> PoolKernels.avgBackward(p, dy, dx, first(planes, t, tasks), first(planes, t + 1, tasks)));
    }

    private int tasks(int planes) {
        return Math.min(dispatcher.threads(), planes);
    }

    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

}
