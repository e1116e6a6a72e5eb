package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/**
 * {@link Layer#freezeForInference}: a frozen copy of a model gives the bits of the model itself at every batch size
 * (its Dense layers then keep Wᵀ for batches of a few rows and run x·W where the model runs x·Wᵀ: a different path
 * through the GEMM, the same chains), the copy really is Wᵀ and is made only for such batches, W stays as it was,
 * and backward through a frozen Dense is refused with the layer named.
 */
class FreezeForInferenceTest {
    static Sequential mlp(long seed) {
        return new Sequential(new Flatten(), new Dense(784, 512, seed), new ReLU(), new Dense(512, 256, seed + 1), new ReLU(),
                new Dense(256, 10, seed + 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void aFrozenCopyGivesTheModelsBitsAtEveryBatchSize(String backendName) {
        try (Backend be = Backends.create(backendName, 1)) {
            assertTrue(be.gemm().layoutInvariant(), backendName + "'s GEMM gives one set of bits whatever the layout");
            Sequential model = mlp(5).on(be), frozen = mlp(5).on(be);
            frozen.freezeForInference();
            Dense first = (Dense) frozen.layers().get(1);
            SplittableRandom rng = new SplittableRandom(9);
            for (int batch : new int[] {1, 2, 3, 17, 64, 128}) {
                Tensor x = Tensor.zeros(batch, 784);
                for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
                float[] want = model.forward(x, false).toArray(), got = frozen.forward(x, false).toArray();
                assertArrayEquals(want, got, backendName + " batch " + batch);
                if (batch == 1) { // the first small batch made Wᵀ
                    float[] w = first.weight().value().toArray(), wt = first.transposedWeight();
                    assertEquals(784 * 512, wt.length);
                    assertEquals(w[3 * 784 + 700], wt[700 * 512 + 3], "Wᵀ");
                    assertArrayEquals(w, ((Dense) model.layers().get(1)).weight().value().toArray(), "W itself unchanged");
                }
            }
            Sequential large = mlp(6).on(be);
            large.freezeForInference();
            large.forward(Tensor.zeros(Dense.FROZEN_TRANSPOSED_MAX_ROWS + 1, 784), false);
            assertEquals(null, ((Dense) large.layers().get(1)).transposedWeight(), "no copy for batches past "
                    + Dense.FROZEN_TRANSPOSED_MAX_ROWS + " rows");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void backwardThroughAFrozenDenseIsRefused(String backendName) {
        try (Backend be = Backends.create(backendName, 1)) {
            Dense d = new Dense(20, 30, 1);
            Sequential m = new Sequential(d, new ReLU()).on(be);
            m.freezeForInference();
            m.freezeForInference(); // idempotent: the weight is transposed once
            Tensor y = m.forward(Tensor.zeros(4, 20), false);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.backward(Tensor.zeros(4, 30)));
            assertTrue(e.getMessage().contains("Dense(20 -> 30)") && e.getMessage().contains("frozen"), e.getMessage());
            assertEquals(4 * 30, y.size());
            Dense fresh = new Dense(20, 30, 1);
            assertEquals(fresh.weight().value().toArray()[2 * 20 + 7], d.transposedWeight()[7 * 30 + 2], "Wᵀ");
            assertArrayEquals(fresh.weight().value().toArray(), d.weight().value().toArray(), "W unchanged: the model still saves as it was");
        }
    }
}
