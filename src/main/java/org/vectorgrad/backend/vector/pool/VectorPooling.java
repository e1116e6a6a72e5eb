package org.vectorgrad.backend.vector.pool;

import org.vectorgrad.backend.KernelArgs;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Pooling kernels of the vector backend: the batch·channel planes are split into contiguous ranges, one per
 * thread, and each range runs {@link PoolKernels} (the CNN's 2×2 stride-2 max pool vectorized in
 * {@link MaxPool2x2}, other windows as tight loops). Planes are independent, so the result is bitwise the same
 * for any thread count (and equal to the scalar reference).
 */
public final class VectorPooling {
    private final Dispatcher dispatcher;
    /** The state of the current call on each calling thread, read by the dispatched chunks: no lambda per call. */
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    public VectorPooling(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Max pooling forward; {@code argmax[i]} gets the flat index into x of output i's winner. */
    public void maxForward(PoolGeometry p, float[] x, float[] y, int[] argmax) {
        KernelArgs.pool("max-pool forward", p, x.length, y.length);
        if (argmax.length < p.outputSize()) {
            throw new IllegalArgumentException("max-pool forward: argmax has " + argmax.length + " elements, needs " + p.outputSize() + " for " + p);
        }
        run(Call.MAX_FORWARD, p, x, y, argmax);
    }

    /** Max pooling backward: dx overwritten, each dy routed to its arg-max. */
    public void maxBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) {
        KernelArgs.pool("max-pool backward", p, dx.length, dy.length);
        if (argmax.length < p.outputSize()) {
            throw new IllegalArgumentException("max-pool backward: argmax has " + argmax.length + " elements, needs " + p.outputSize() + " for " + p);
        }
        run(Call.MAX_BACKWARD, p, dy, dx, argmax);
    }

    /** Average pooling forward. */
    public void avgForward(PoolGeometry p, float[] x, float[] y) {
        KernelArgs.pool("avg-pool forward", p, x.length, y.length);
        run(Call.AVG_FORWARD, p, x, y, null);
    }

    /** Average pooling backward: dx overwritten. */
    public void avgBackward(PoolGeometry p, float[] dy, float[] dx) {
        KernelArgs.pool("avg-pool backward", p, dx.length, dy.length);
        run(Call.AVG_BACKWARD, p, dy, dx, null);
    }

    /** {@code in}/{@code out}: x/y forward, dy/dx backward. */
    private void run(int kind, PoolGeometry p, float[] in, float[] out, int[] argmax) {
        Call c = calls.get();
        c.kind = kind;
        c.p = p;
        c.in = in;
        c.out = out;
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
        int kind, planes, tasks;
        PoolGeometry p;
        float[] in, out;
        int[] argmax;

        private void chunk(int t) {
            int from = first(planes, t, tasks), to = first(planes, t + 1, tasks);
            switch (kind) {
                case MAX_FORWARD -> PoolKernels.maxForward(p, in, out, argmax, from, to);
                case MAX_BACKWARD -> PoolKernels.maxBackward(p, in, argmax, out, from, to);
                case AVG_FORWARD -> PoolKernels.avgForward(p, in, out, from, to);
                default -> PoolKernels.avgBackward(p, in, out, from, to);
            }
        }
    }

    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

}
