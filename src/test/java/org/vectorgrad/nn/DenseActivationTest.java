package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/**
 * A Sequential runs Dense → activation (ReLU, leaky ReLU, sigmoid, tanh; with and without bias) through
 * {@link DenseActivation} when no observer watches, and the layers one by one with an observer: outputs, every
 * parameter gradient and the input gradient must have the same bits on every backend and thread count, with NaN,
 * ±Inf, -0 and exact zeros before the activation. GELU keeps the layers one by one.
 */
class DenseActivationTest {
    private static final List<Backend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        BACKENDS.addAll(FusedRuns.everyBackend());
    }

    @AfterAll
    static void tearDown() {
        for (Backend b : BACKENDS) b.close();
    }

    /** Widths with vector tails (37, 19, 3), one of a whole number of 512-bit vectors (32), a fused pair at the end. */
    private static Sequential model(long seed) {
        return new Sequential(
                new Flatten(),
                new Dense(45, 37, seed), new ReLU(),
                new Dense(37, 32, seed + 1), new LeakyReLU(0.1f),
                new Dense(32, 19, false, Init.HE_NORMAL, seed + 2), new Tanh(),
                new Dense(19, 21, seed + 3), new GELU(),
                new Dense(21, 3, seed + 4), new Sigmoid());
    }

    @Test
    void theModelHasTheChainsItShould() {
        Sequential m = model(1);
        assertInstanceOf(DenseActivation.class, m.chainAt(1));
        assertInstanceOf(DenseActivation.class, m.chainAt(3));
        assertInstanceOf(DenseActivation.class, m.chainAt(5));
        assertNull(m.chainAt(7), "GELU's backward reads its input, which the in-place pass would overwrite");
        assertInstanceOf(DenseActivation.class, m.chainAt(9));
        assertNull(m.chainAt(2));
    }

    @Test
    void fusedPairsGiveTheLayersBits() {
        int cases = 0;
        for (Backend be : BACKENDS) {
            for (int batch : new int[] {1, 7, 130}) {
                for (boolean specials : new boolean[] {false, true}) {
                    compare(be, batch, specials, be.name() + "/" + be.threads() + ", batch " + batch + (specials ? ", NaN/Inf/-0" : ""));
                    cases++;
                }
            }
        }
        assertTrue(cases >= 7 * 6, "cases run: " + cases);
    }

    private static void compare(Backend be, int batch, boolean specials, String what) {
        Tensor x = Tensor.zeros(batch, 3, 15);
        SplittableRandom r = new SplittableRandom(batch);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(6) == 0 ? 0f : (float) r.nextGaussian();
        if (specials) {
            d[0] = -0f;
            d[d.length / 2] = Float.NaN;
            d[d.length - 1] = Float.POSITIVE_INFINITY;
        }
        FusedRuns.assertSameBits(FusedRuns.randomized(model(11), 7).on(be), FusedRuns.randomized(model(11), 7).on(be), x, r, what);
    }

    @Test
    void backwardBeforeForwardAndWrongGradientShapesAreRefusedByName() {
        try (Backend be = Backends.create("vector", 1)) {
            Sequential m = new Sequential(new Dense(4, 3, 1), new ReLU()).on(be);
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> m.backward(Tensor.zeros(2, 3)));
            assertTrue(early.getMessage().contains("ReLU") && early.getMessage().contains("before forward"), early.getMessage());
            m.forward(Tensor.zeros(2, 4), true);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.backward(Tensor.zeros(2, 4)));
            assertTrue(e.getMessage().contains("ReLU") && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
    }
}
