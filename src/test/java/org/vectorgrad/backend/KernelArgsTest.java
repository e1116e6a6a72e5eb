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
        m.put("scalar gemm|vector gemm", b -> b.gemm(false, false, 2, 2, 2, 1f, s3, 0, 2, s8, 0, 2, 0f, s8, 0, 2));
        m.put("biasActivation", b -> b.biasActivation(2, 2, s8, 0, s3, 2, Activation.RELU, 0f));
        m.put("columnSums", b -> b.columnSums(3, 3, s8, 0, s8, 0));
        m.put("channelSums", b -> b.channelSums(1, 2, 4, s8, 0, s3, 2));
        m.put("activationForward", b -> b.activationForward(Activation.TANH, 0f, 4, s3, 0, s8, 0));
        m.put("activationBackward", b -> b.activationBackward(Activation.SIGMOID, 0f, 4, s8, 0, s8, 0, s3, 0));
        m.put("softmax", b -> b.softmax(2, 4, s8, 0, s3, 0));
        m.put("softmaxCrossEntropy", b -> b.softmaxCrossEntropy(2, 4, s8, 0, new int[1], 0, null, 0, 1f));
        m.put("binaryCrossEntropyWithLogits", b -> b.binaryCrossEntropyWithLogits(4, s8, 0, s3, 0, null, 0, 1f));
        m.put("meanSquaredError", b -> b.meanSquaredError(4, s8, 0, s8, 0, s3, 0, 1f));
        m.put("argmaxRows", b -> b.argmaxRows(2, 4, s8, 0, new int[1], 0));
        m.put("dot", b -> b.dot(4, s8, 0, s3, 0));
        m.put("allFinite", b -> b.allFinite(4, s3, 0));
        m.put("axpy", b -> b.axpy(4, 1f, s3, 0, s8, 0));
        m.put("scale", b -> b.scale(4, 1f, s8, 6));
        m.put("sgdUpdate", b -> b.sgdUpdate(4, 0.1f, 0.9f, 0f, false, s8, 0, s8, 0, s3, 0));
        m.put("adamUpdate", b -> b.adamUpdate(4, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 1f, 1f, s8, 0, s8, 0, s8, 0, s3, 0));
        m.put("conv2d forward", b -> b.conv2dForward(cg, new float[16], new float[18], null, new float[31], new Scratch()));
        m.put("conv2d backward-data", b -> b.conv2dBackwardData(cg, new float[32], new float[18], new float[15], new Scratch()));
        m.put("conv2d backward-weights", b -> b.conv2dBackwardWeights(cg, new float[16], new float[32], new float[18], new float[1], new Scratch()));
        m.put("max-pool forward", b -> b.maxPool2dForward(pg, new float[15], new float[4], new int[4]));
        m.put("max-pool backward", b -> b.maxPool2dBackward(pg, new float[4], new int[4], new float[15]));
        m.put("avg-pool forward", b -> b.avgPool2dForward(pg, new float[16], new float[3]));
        m.put("avg-pool backward", b -> b.avgPool2dBackward(pg, new float[3], new float[16]));
        return m;
    }

    @Test
    void everyKernelRejectsBadArgumentsOnScalarAndVector() {
        try (Backend vector = new VectorBackend(1)) {
            for (Backend b : new Backend[] {new ScalarBackend(), vector}) {
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
