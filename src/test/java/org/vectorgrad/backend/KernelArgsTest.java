package org.vectorgrad.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;

/**
 * Every kernel family checks its arguments once ({@link KernelArgs}) for every implementation: an array too short
 * for the sizes, a negative size or a short label array is an {@link IllegalArgumentException} naming the kernel,
 * on the scalar oracle as on the vector backend (before, the scalar one threw a bare index exception).
 */
class KernelArgsTest {
    private static Map<String, Consumer<Backend>> badCalls() {
        float[] s3 = new float[3], s8 = new float[8];
        ConvGeometry cg = ConvGeometry.simple(1, 1, 4, 4, 2, 3, 1, 1);
        PoolGeometry pg = new PoolGeometry(1, 1, 4, 4, 2, 2, 2, 2, 0, 0, false);
        Map<String, Consumer<Backend>> m = new LinkedHashMap<>();
        m.put("gemm", b -> b.gemm().gemm(false, false, 2, 2, 2, 1f, s3, 0, 2, s8, 0, 2, 0f, s8, 0, 2));
        m.put("addBias", b -> b.pointwise().addBias(2, 2, s8, 0, s3, 2));
        m.put("addBiasActivation", b -> b.pointwise().addBiasActivation(Activation.RELU, 0f, 3, 3, s8, 0, s3, 0));
        m.put("columnSums", b -> b.pointwise().columnSums(3, 3, s8, 0, s8, 0));
        m.put("activationForward", b -> b.pointwise().activationForward(Activation.TANH, 0f, 4, s3, 0, s8, 0));
        m.put("activationBackward", b -> b.pointwise().activationBackward(Activation.SIGMOID, 0f, 4, s8, 0, s8, 0, s3, 0));
        m.put("softmax", b -> b.losses().softmax(2, 4, s8, 0, s3, 0));
        m.put("softmaxCrossEntropy", b -> b.losses().softmaxCrossEntropy(2, 4, s8, 0, new int[1], 0, null, 0, 1f));
        m.put("binaryCrossEntropyWithLogits", b -> b.losses().binaryCrossEntropyWithLogits(4, s8, 0, s3, 0, null, 0, 1f));
        m.put("meanSquaredError", b -> b.losses().meanSquaredError(4, s8, 0, s8, 0, s3, 0, 1f));
        m.put("argmaxRows", b -> b.losses().argmaxRows(2, 4, s8, 0, new int[1], 0));
        m.put("allFinite", b -> b.pointwise().allFinite(4, s3, 0));
        m.put("axpy", b -> b.pointwise().axpy(4, 1f, s3, 0, s8, 0));
        m.put("sgdUpdate", b -> b.updates().sgd(4, 0.1f, 0.9f, 0f, false, s8, 0, s8, 0, s3, 0));
        m.put("adamUpdate", b -> b.updates().adam(4, 0f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.1f, 1f, s8, 0, s8, 0, s8, 0, s3, 0));
        m.put("conv2d forward", b -> b.convolution().forward(cg, new float[16], 0, new float[18], 0, null, 0, new float[31], 0, new Scratch()));
        m.put("conv2d backward-data", b -> b.convolution().backwardData(cg, new float[32], 0, new float[18], 0, new float[15], 0, new Scratch()));
        m.put("conv2d backward-weights", b -> b.convolution().backwardWeights(cg, new float[16], 0, new float[32], 0, new float[18], 0, new float[1], 0, new Scratch()));
        m.put("max-pool forward", b -> b.pooling().maxForward(pg, new float[15], 0, new float[4], 0, new int[4]));
        m.put("max-pool backward", b -> b.pooling().maxBackward(pg, new float[4], 0, new int[4], new float[15], 0));
        m.put("avg-pool forward", b -> b.pooling().avgForward(pg, new float[16], 0, new float[3], 0));
        m.put("avg-pool backward", b -> b.pooling().avgBackward(pg, new float[3], 0, new float[16], 0));
        return m;
    }

    @Test
    void everyKernelRejectsBadArgumentsOnScalarAndVector() {
        try (Backend vector = VectorBackend.create(1)) {
            for (Backend b : new Backend[] {ScalarBackend.create(), vector}) {
                for (Map.Entry<String, Consumer<Backend>> e : badCalls().entrySet()) {
                    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.getValue().accept(b),
                            b.name() + " " + e.getKey());
                    boolean named = false;
                    for (String kernel : e.getKey().split("\\|")) named |= ex.getMessage().startsWith(kernel + ":");
                    assertTrue(named, b.name() + " " + e.getKey() + ": " + ex.getMessage());
                }
            }
        }
    }
}
