package org.vectorgrad.nn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.backend.vector.pool.VectorPooling;
import org.vectorgrad.parallel.Dispatcher;

/**
 * A backend for layer tests that runs convolution and pooling on the vector kernels (with the scalar GEMM) and
 * everything else on the scalar reference, so the layers are checked on both kernel families before the full
 * vector backend is merged.
 */
final class ConvTestBackends {
    private ConvTestBackends() {}

    static Backend vectorConvolution(Dispatcher d) {
        ScalarBackend scalar = new ScalarBackend();
        VectorConvolution conv = new VectorConvolution(scalar, d);
        VectorPooling pool = new VectorPooling(d);
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, a) -> {
            switch (m.getName()) {
                case "name": return "vector-conv-test";
                case "conv2dForward": conv.forward((ConvGeometry) a[0], (float[]) a[1], (float[]) a[2], (float[]) a[3], (float[]) a[4], (Scratch) a[5]); return null;
                case "conv2dBackwardData": conv.backwardData((ConvGeometry) a[0], (float[]) a[1], (float[]) a[2], (float[]) a[3], (Scratch) a[4]); return null;
                case "conv2dBackwardWeights": conv.backwardWeights((ConvGeometry) a[0], (float[]) a[1], (float[]) a[2], (float[]) a[3], (float[]) a[4], (Scratch) a[5]); return null;
                case "maxPool2dForward": pool.maxForward((PoolGeometry) a[0], (float[]) a[1], (float[]) a[2], (int[]) a[3]); return null;
                case "maxPool2dBackward": pool.maxBackward((PoolGeometry) a[0], (float[]) a[1], (int[]) a[2], (float[]) a[3]); return null;
                case "avgPool2dForward": pool.avgForward((PoolGeometry) a[0], (float[]) a[1], (float[]) a[2]); return null;
                case "avgPool2dBackward": pool.avgBackward((PoolGeometry) a[0], (float[]) a[1], (float[]) a[2]); return null;
                default:
                    try {
                        return m.invoke(scalar, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }
}
