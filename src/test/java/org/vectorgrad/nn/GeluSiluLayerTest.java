package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.check.GradientCheck.Report;
import org.vectorgrad.tensor.Tensor;

/** The GELU and SiLU layers: gradient checks on both backends, names, options and shape errors. */
class GeluSiluLayerTest {

    @Test
    void gradientsMatchFiniteDifferencesOnBothBackends() {
        try (Backend vb = VectorBackend.create(2)) {
            for (Backend be : new Backend[] {ScalarBackend.create(), vb}) {
                for (int[] shape : new int[][] {{4, 7}, {1, 1}, {2, 3, 5, 5}}) {
                    for (Layer l : new Layer[] {new GELU(), new GELU("tanh"), new SiLU()}) {
                        l.bind(be);
                        Tensor x = Tensor.randn(shape.length, 0f, 2f, shape); // smooth everywhere: any input will do
                        // a smaller step than the default 1e-2: GELU's curvature (up to 0.8) must not read as a kink
                        Report r = GradientCheck.check(l, x, GradientCheck.randomProjection(7), GradientCheck.Options.defaults().withStep(2e-3));
                        r.assertPassed();
                        assertEquals(0, r.skippedNearKinks(), l.describe() + " has no kinks: " + r);
                    }
                }
            }
        }
    }

    @Test
    void inAMlpWithALoss() {
        Sequential mlp = new Sequential(new Dense(6, 8, 1), new GELU(), new Dense(8, 5, 2), new SiLU(), new Dense(5, 4, 4),
                new GELU("tanh"), new Dense(4, 3, 3)).on(ScalarBackend.create());
        var loss = new org.vectorgrad.loss.SoftmaxCrossEntropy();
        loss.bind(ScalarBackend.create());
        Report r = GradientCheck.check(mlp, Tensor.randn(4, 0f, 1f, 4, 6), GradientCheck.of(loss, new int[] {0, 2, 1, 2}),
                GradientCheck.Options.defaults());
        r.assertPassed();
        assertEquals(9, r.maxRelativeError().size(), r.toString()); // 4 weights, 4 biases, input
    }

    @Test
    void namesOptionsAndErrors() {
        assertEquals("GELU", new GELU().describe());
        assertEquals("GELU(approximate=tanh)", new GELU("tanh").describe());
        assertEquals("tanh", new GELU("tanh").approximate());
        assertEquals("SiLU", new SiLU().describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GELU("erf"));
        assertTrue(e.getMessage().contains("\"none\" or \"tanh\""), e.getMessage());
        GELU g = new GELU();
        g.bind(ScalarBackend.create());
        assertThrows(IllegalStateException.class, () -> g.backward(Tensor.zeros(2, 2)));
        g.forward(Tensor.zeros(2, 3), true);
        e = assertThrows(IllegalArgumentException.class, () -> g.backward(Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().startsWith("GELU: gradient of the output has shape"), e.getMessage());
    }

    @Test
    void backwardReadsTheInputNotTheOutput() {
        // GELU is not injective (it has a minimum near x = -0.75): the gradient cannot come from y alone
        Tensor x = Tensor.of(new float[] {-2f, -0.3f}, 2);
        SiLU s = new SiLU();
        GELU g = new GELU();
        for (ActivationLayer l : new ActivationLayer[] {s, g}) {
            l.bind(ScalarBackend.create());
            l.forward(x, true);
            Tensor dx = l.backward(Tensor.of(new float[] {1f, 1f}, 2));
            assertTrue(dx.getFlat(0) < 0 && dx.getFlat(1) > 0, l.describe() + ": slopes on both sides of the minimum: "
                    + dx.getFlat(0) + ", " + dx.getFlat(1));
        }
    }
}
