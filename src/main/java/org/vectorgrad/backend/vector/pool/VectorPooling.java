package org.vectorgrad.backend.vector.pool;

import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.parallel.Dispatcher;

/** Pooling kernels for the vector backend. STUB: delegates to the scalar reference until the convolution issue. */
public final class VectorPooling {
    private final Dispatcher dispatcher;
    private final ScalarBackend reference = new ScalarBackend();

    public VectorPooling(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public void maxForward(PoolGeometry p, float[] x, float[] y, int[] argmax) { reference.maxPool2dForward(p, x, y, argmax); }
    public void maxBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) { reference.maxPool2dBackward(p, dy, argmax, dx); }
    public void avgForward(PoolGeometry p, float[] x, float[] y) { reference.avgPool2dForward(p, x, y); }
    public void avgBackward(PoolGeometry p, float[] dy, float[] dx) { reference.avgPool2dBackward(p, dy, dx); }
}
